import type * as lark from '@larksuiteoapi/node-sdk';
import { silentLogger, systemClock, type Clock, type Logger } from '../../kernel/index.js';
import type { ChatCapabilities, ChatTarget, LongConnection, NotificationProvider, RateRule } from '../api.js';
import { createFeishuApi } from './client.js';
import { parseFeishuConfig, type FeishuConfigInput } from './config.js';
import { createFeishuInbound } from './inbound.js';
import { createFeishuLongConnection } from './long-connection.js';
import { createFeishuMessaging } from './messages.js';
import { createFeishuDirectory, createFeishuRooms } from './rooms.js';
import { feishuIdOf } from './render.js';
import { createFeishuSender } from './sender.js';

export { feishuConfigSchema, parseFeishuConfig, type FeishuConfig, type FeishuConfigInput } from './config.js';
export { renderFeishuCard, renderFeishuPost, renderFeishuText, applicableActions, FEISHU_CARD_MAX_BYTES, type FeishuCard, type FeishuCardOptions } from './render.js';
export { createFeishuInbound, cardReply } from './inbound.js';
export { buildFeishuEventDispatcher, createFeishuLongConnection } from './long-connection.js';
export { feishuSignature, legacyCardSignature, decryptFeishu, REPLAY_WINDOW_MS } from './callback-crypto.js';
export { CLOSED_PREFIX, feishuMobile } from './rooms.js';
export { feishuUuid, userIdTypeOf } from './ids.js';

export interface FeishuProviderDeps {
  clock?: Clock;
  /** Receives buzz failures and sanitised SDK errors; silent by default. */
  logger?: Logger;
  /** Replaces the SDK's HTTP instance (which this provider otherwise wraps with timeout_ms). */
  httpInstance?: lark.HttpInstance;
}

/** Destination limits (reference §5): 5 messages a second per chat, shared by every bot in it, and per user. */
const PER_TARGET_INTERVAL_MS = 200;

/**
 * A self-built Feishu/Lark app (@larksuiteoapi/node-sdk): pages people directly with a card and
 * a buzz, runs war-room group chats with a live card, looks people up, and verifies callbacks.
 */
export function createFeishuProvider(config: FeishuConfigInput, deps: FeishuProviderDeps = {}): NotificationProvider {
  const settings = parseFeishuConfig(config);
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const api = createFeishuApi(settings, { clock, logger, ...(deps.httpInstance ? { httpInstance: deps.httpInstance } : {}) });
  const messaging = createFeishuMessaging(api);
  const directory = createFeishuDirectory(api);
  const longConnection: LongConnection | undefined =
    settings.inbound === 'long_connection' ? createFeishuLongConnection(settings, { clock, logger }) : undefined;

  const rateRule = (target: ChatTarget): RateRule => ({ key: `feishu:${target.kind}:${target.id}`, intervalMs: PER_TARGET_INTERVAL_MS });

  const chat: ChatCapabilities = {
    platform: 'feishu',
    messenger: messaging.messenger,
    updater: messaging.updater,
    urgent: messaging.urgent,
    rooms: createFeishuRooms(api),
    directory,
    inbound: createFeishuInbound(settings),
    ...(longConnection ? { longConnection } : {}),
    rateRule,
    // A page is a direct message to the person: their per-user limit, keyed by the id on file
    // (none when the sender will have to look them up, so nothing to pace by beforehand).
    pageRateRule: (to) => {
      const id = feishuIdOf(to.chatIds);
      return id ? rateRule({ kind: 'user', id }) : null;
    },
  };

  return {
    info: () => ({ id: 'feishu', displayName: settings.domain === 'lark' ? 'Lark' : 'Feishu', channels: ['feishu'] }),
    senders: [createFeishuSender(settings, messaging, directory, logger)],
    chat,
    close: async () => {
      await longConnection?.stop();
    },
  };
}
