import { randomUUID } from 'node:crypto';
import { PermanentError, RetryableError, networkErrorCode, parseRetryAfter, systemClock, type Clock } from '../../kernel/index.js';
import type { ChatCapabilities, ChatMessenger, MessageRef, NotificationProvider } from '../api.js';
import { feishuBotConfigSchema, type FeishuBotConfig, type FeishuBotConfigInput } from './config.js';
import { BOT_BODY_MAX_BYTES, renderFeishuBotBody, signFeishuBot } from './render.js';

export { feishuBotConfigSchema, type FeishuBotConfig, type FeishuBotConfigInput, type FeishuRobot } from './config.js';
export { BOT_BODY_MAX_BYTES, renderFeishuBotBody, signFeishuBot, type FeishuBotBody } from './render.js';

export interface FeishuBotProviderDeps {
  clock?: Clock;
}

/** 100 messages a minute per bot (reference §1.10), so one every 600 ms keeps under 5/s as well. */
const ROBOT_INTERVAL_MS = 600;
/** Feishu gives no retry hint with 11232; its limit is per minute. */
const RATE_LIMIT_WAIT_MS = 60_000;
const PERMANENT_CODES: Record<number, string> = {
  9499: 'bad request (format, or body over 20 KB)',
  19021: 'signature or timestamp refused; check the secret',
  19022: 'IP not allowed',
  19024: 'keyword not found',
};

/**
 * Feishu custom group bots: post-only webhooks, no ids, no edits, no callbacks. The platform
 * returns no message id, so a fresh one is made (and sent as X-Request-Id for tracing); the
 * MessageRef it yields cannot be edited, hence no updater. The webhook URL holds the bot's token:
 * errors name the robot, never the URL.
 */
export function createFeishuBotProvider(config: FeishuBotConfigInput, deps: FeishuBotProviderDeps = {}): NotificationProvider {
  const settings = feishuBotConfigSchema.parse(config);
  const clock = deps.clock ?? systemClock;
  const messenger: ChatMessenger = {
    post: (target, doc) => postToRobot(settings, clock, target.id, doc),
  };
  const chat: ChatCapabilities = {
    platform: 'feishu',
    messenger,
    rateRule: (target) => ({ key: `feishu_bot:${target.id}`, intervalMs: ROBOT_INTERVAL_MS }),
  };
  return {
    info: () => ({ id: 'feishu_bot', displayName: 'Feishu custom bot', channels: [] }),
    senders: [],
    chat,
  };
}

async function postToRobot(settings: FeishuBotConfig, clock: Clock, robotName: string, doc: Parameters<ChatMessenger['post']>[1]): Promise<MessageRef> {
  const robot = Object.hasOwn(settings.robots, robotName) ? settings.robots[robotName] : undefined;
  if (!robot) throw new PermanentError(`feishu bot: no robot named "${robotName}" is configured`);
  const now = clock.now();
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = {
    ...(robot.secret ? { timestamp: String(timestamp), sign: signFeishuBot(timestamp, robot.secret) } : {}),
    ...renderFeishuBotBody(doc, robot.keyword ? { keyword: robot.keyword } : {}),
  };
  const rawBody = JSON.stringify(body);
  if (Buffer.byteLength(rawBody, 'utf8') > BOT_BODY_MAX_BYTES) throw new PermanentError(`feishu bot ${robotName}: message over 20 KB even after trimming`);
  const messageId = randomUUID();
  let response: Response;
  try {
    response = await fetch(robot.webhook_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': messageId },
      body: rawBody,
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeout_ms),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') throw new RetryableError(`feishu bot ${robotName} timed out after ${settings.timeout_ms}ms`);
    throw new RetryableError(`feishu bot ${robotName} unreachable: ${networkErrorCode(error)}`);
  }
  const answer = (await response.json().catch(() => ({}))) as { code?: unknown; msg?: unknown; StatusCode?: unknown };
  const code = typeof answer.code === 'number' ? answer.code : typeof answer.StatusCode === 'number' ? answer.StatusCode : undefined;
  const msg = typeof answer.msg === 'string' ? `: ${answer.msg.slice(0, 200)}` : '';
  const where = `feishu bot ${robotName}`;
  if (code === 11232) throw new RetryableError(`${where} rate limited (code 11232)`, RATE_LIMIT_WAIT_MS);
  if (response.status === 429) throw new RetryableError(`${where} answered 429`, parseRetryAfter(response.headers.get('retry-after'), clock.now()) ?? RATE_LIMIT_WAIT_MS);
  if (response.status >= 500) throw new RetryableError(`${where} answered ${response.status}`, parseRetryAfter(response.headers.get('retry-after'), clock.now()));
  if (response.status < 200 || response.status >= 300) throw new PermanentError(`${where} answered HTTP ${response.status}${code !== undefined ? ` (code ${code})` : ''}${msg}`);
  if (code !== 0) {
    const known = code !== undefined ? PERMANENT_CODES[code] : undefined;
    throw new PermanentError(`${where} refused (code ${code ?? 'missing'})${known ? `: ${known}` : msg}`);
  }
  return { platform: 'feishu', chatId: robotName, messageId };
}
