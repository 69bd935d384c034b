import type { Logger } from '../kernel/index.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL kept under the data directory. */
export async function resolveDatabase(env: NodeJS.ProcessEnv, logger: Logger, options: { adoptRunning?: boolean } = {}): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: env.WARROOM_DATA_DIR ?? './data', logger, adoptRunning: options.adoptRunning });
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
