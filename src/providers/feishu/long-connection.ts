import * as lark from '@larksuiteoapi/node-sdk';
import { silentLogger, systemClock, type Clock, type Logger } from '../../kernel/index.js';
import type { ChatEvent, ChatOutcome, LongConnection } from '../api.js';
import { sanitizedSdkLogger } from './client.js';
import { sdkDomain, type FeishuConfig } from './config.js';
import { parseCardAction, parseMessageEvent, type ParsedCallback } from './event-parse.js';

type OnEvent = (event: ChatEvent) => Promise<ChatOutcome>;

export interface FeishuDispatcherOptions {
  clock?: Clock;
  logger?: Logger;
  botOpenId?: string;
}

/**
 * The EventDispatcher the long connection feeds. WSClient calls `invoke(data, {needCheck:false})`
 * with the schema-2.0 envelope, which the dispatcher flattens into one object (header and event
 * fields side by side); the same parse functions as the HTTP path read it. What a handler returns
 * goes back to Feishu in the reply frame: the toast for card actions.
 */
export function buildFeishuEventDispatcher(onEvent: OnEvent, options: FeishuDispatcherOptions = {}): lark.EventDispatcher {
  const clock = options.clock ?? systemClock;
  const deliver = async (parsed: ParsedCallback): Promise<ChatOutcome | undefined> => (parsed.kind === 'event' ? onEvent(parsed.event) : undefined);
  const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error, logger: sanitizedSdkLogger(options.logger ?? silentLogger) });
  return dispatcher.register({
    'im.message.receive_v1': async (data: unknown) => {
      const flat = data as Record<string, unknown>;
      await deliver(parseMessageEvent(flat, flat, clock.now(), options.botOpenId));
      return undefined;
    },
    'card.action.trigger': async (data: unknown) => {
      const flat = data as Record<string, unknown>;
      const outcome = await deliver(parseCardAction(flat, flat, clock.now()));
      return outcome ? { toast: { type: outcome.ok ? 'success' : 'error', content: outcome.text } } : {};
    },
  });
}

/**
 * Events over Feishu's long connection (WSClient): no public URL needed, and frames arrive over
 * a socket the app opened with its own credentials, so no signature check applies (reference §1.9).
 */
export function createFeishuLongConnection(settings: FeishuConfig, options: FeishuDispatcherOptions = {}): LongConnection {
  let client: lark.WSClient | undefined;
  return {
    async start(onEvent) {
      if (client) return;
      client = new lark.WSClient({
        appId: settings.app_id,
        appSecret: settings.app_secret,
        domain: sdkDomain(settings.domain),
        loggerLevel: lark.LoggerLevel.error,
        logger: sanitizedSdkLogger(options.logger ?? silentLogger),
      });
      await client.start({ eventDispatcher: buildFeishuEventDispatcher(onEvent, { ...options, ...(settings.bot_open_id ? { botOpenId: settings.bot_open_id } : {}) }) });
    },
    async stop() {
      client?.close({ force: true });
      client = undefined;
    },
  };
}
