import type { Db } from '../db/database.js';
import type { Clock, Logger } from '../kernel/index.js';
import type { TokenAuthenticator } from '../domain/access/index.js';
import type { IngestPipeline } from '../domain/alerts/index.js';
import type { RuntimeSettings, ServiceCatalog } from '../domain/services/index.js';
import type { Metrics } from './metrics.js';
import type { InboundVerifier } from '../providers/api.js';
import type { RoomScheduling } from '../domain/warroom/index.js';

/** What the HTTP layer needs from the composition root. */
export interface HttpContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings(): RuntimeSettings;
  catalog: ServiceCatalog;
  tokens: TokenAuthenticator;
  pipeline: IngestPipeline;
  metrics: Metrics;
  /** Channels warroom can page on (configured providers plus the built-in inbox). */
  availableChannels(): ReadonlySet<string>;
  /** Secrets for verifying inbound provider callbacks; absent when the provider is not configured. */
  inbound: { twilioAuthToken?: string };
  /** The verifier of a chat provider's callbacks (feishu, slack, wecom…), when configured. */
  chatInbound(provider: string): { verifier: InboundVerifier; repliesInline: boolean } | undefined;
  /** Which platforms open war rooms now, with the war-room settings. */
  roomScheduling(): RoomScheduling;
  /** True while the process is draining: health turns 503 so load balancers stop sending. */
  isShuttingDown(): boolean;
}
