import { DWClient, TOPIC_CARD, TOPIC_ROBOT } from 'dingtalk-stream';
import { createLogger, networkErrorCode, systemClock, type Clock } from '../../kernel/index.js';
import type { ChatEvent, ChatOutcome, LongConnection } from '../api.js';
import type { DingtalkApp } from './config.js';
import { dingtalkReplyBody, parseDingtalkCardCallback, readRobotFrame, robotMessageEvent, type DingtalkDownstream, type DingtalkRobotMessage } from './inbound.js';

export { TOPIC_CARD, TOPIC_ROBOT };

/** The part of dingtalk-stream's DWClient we use, so tests can hand in a fake. */
export interface DingtalkStreamClient {
  registerCallbackListener(topic: string, callback: (frame: DingtalkDownstream) => unknown): unknown;
  /** Acks a CALLBACK frame; the SDK wraps `result` as {response: result}. Unacked frames are re-pushed for ~60 s. */
  socketCallBackResponse(messageId: string, result: unknown): void;
  /** GET oapi.dingtalk.com/gettoken with the app credentials; resolves to the access_token. */
  getAccessToken(): Promise<unknown>;
  connect(): Promise<void>;
  disconnect(): void;
}

/** Structural, so pino loggers and test recorders both fit. */
export interface StreamLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface DingtalkLongConnectionOptions {
  clientFactory?: (credentials: { clientId: string; clientSecret: string }) => DingtalkStreamClient;
  clock?: Clock;
  logger?: StreamLog;
  /**
   * Origins a message's sessionWebhook may point at. The app access token travels with the reply,
   * so it only goes to DingTalk (tests add the fake's origin).
   */
  replyOrigins?: string[];
  timeoutMs?: number;
}

export const DINGTALK_REPLY_ORIGINS = ['https://oapi.dingtalk.com', 'https://api.dingtalk.com'];
// DingTalk tokens live 7200 s; refreshing after an hour keeps well clear of expiry.
const TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * Receives robot messages and card button callbacks over DingTalk's stream (WebSocket) mode, so no
 * public callback URL is needed. Each frame is parsed, handed to warroom, then acked; a frame
 * warroom failed on is left unacked so DingTalk pushes it again (eventIds stay the same, and the
 * caller dedups on them). Robot messages get warroom's answer posted to their sessionWebhook.
 */
export function createDingtalkLongConnection(app: DingtalkApp, options: DingtalkLongConnectionOptions = {}): LongConnection {
  const clock = options.clock ?? systemClock;
  const log: StreamLog = options.logger ?? createLogger({ name: 'dingtalk-stream' });
  const replyOrigins = new Set(options.replyOrigins ?? DINGTALK_REPLY_ORIGINS);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const factory = options.clientFactory ?? ((credentials) => new DWClient({ ...credentials, keepAlive: true }) as DingtalkStreamClient);
  let client: DingtalkStreamClient | null = null;
  let token: { value: string; until: number } | null = null;

  const ack = (frame: DingtalkDownstream) => client?.socketCallBackResponse(frame.headers.messageId, {});

  const accessToken = async (): Promise<string | undefined> => {
    if (token && token.until > clock.now().getTime()) return token.value;
    try {
      const value = await client?.getAccessToken();
      if (typeof value !== 'string' || !value) return undefined;
      token = { value, until: clock.now().getTime() + TOKEN_TTL_MS };
      return value;
    } catch (error) {
      // The SDK's error holds the request URL, which carries the app secret: log only its code.
      log.warn({ code: networkErrorCode(error) }, 'dingtalk access token unavailable; replying without it');
      return undefined;
    }
  };

  const reply = async (message: DingtalkRobotMessage, outcome: ChatOutcome): Promise<void> => {
    const body = dingtalkReplyBody(outcome);
    if (!('msgtype' in body)) return;
    const reason = unusableReplyTarget(message, clock.now(), replyOrigins);
    // The session webhook URL holds a session token, so only the message id is logged.
    if (reason) return log.warn({ msgId: message.msgId, reason }, 'dingtalk reply not sent');
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    const accessTokenValue = await accessToken();
    if (accessTokenValue) headers['x-acs-dingtalk-access-token'] = accessTokenValue;
    try {
      const response = await fetch(message.sessionWebhook!, { method: 'POST', headers, body: JSON.stringify(body), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      const answer = (await response.json().catch(() => null)) as { errcode?: unknown; errmsg?: unknown } | null;
      if (response.status !== 200 || answer?.errcode !== 0) {
        log.warn({ msgId: message.msgId, status: response.status, errcode: answer?.errcode, errmsg: answer?.errmsg }, 'dingtalk reply refused');
      }
    } catch (error) {
      log.warn({ msgId: message.msgId, code: networkErrorCode(error) }, 'dingtalk reply failed');
    }
  };

  const deliver = async (frame: DingtalkDownstream, event: ChatEvent, onEvent: (event: ChatEvent) => Promise<ChatOutcome>) => {
    try {
      const outcome = await onEvent(event);
      ack(frame);
      return outcome;
    } catch (error) {
      log.error({ eventId: event.eventId, error: error instanceof Error ? error.message : String(error) }, 'dingtalk event handler failed; left unacked for redelivery');
      return null;
    }
  };

  const onRobotFrame = (onEvent: (event: ChatEvent) => Promise<ChatOutcome>) => async (frame: DingtalkDownstream) => {
    let message: DingtalkRobotMessage;
    try {
      message = readRobotFrame(frame);
    } catch (error) {
      // Redelivery cannot fix a malformed frame: ack it so DingTalk stops pushing it.
      log.warn({ messageId: frame.headers.messageId, reason: (error as Error).message }, 'dingtalk robot frame ignored');
      return ack(frame);
    }
    const outcome = await deliver(frame, robotMessageEvent(message, clock.now()), onEvent);
    if (outcome) await reply(message, outcome);
  };

  const onCardFrame = (onEvent: (event: ChatEvent) => Promise<ChatOutcome>) => async (frame: DingtalkDownstream) => {
    let event: ChatEvent;
    try {
      event = parseDingtalkCardCallback(frame, clock.now());
    } catch (error) {
      log.warn({ messageId: frame.headers.messageId, reason: (error as Error).message }, 'dingtalk card callback ignored');
      return ack(frame);
    }
    await deliver(frame, event, onEvent);
  };

  return {
    async start(onEvent) {
      if (client) throw new Error('dingtalk stream already started');
      client = factory({ clientId: app.client_id, clientSecret: app.client_secret });
      client.registerCallbackListener(TOPIC_ROBOT, onRobotFrame(onEvent));
      client.registerCallbackListener(TOPIC_CARD, onCardFrame(onEvent));
      // The SDK reconnects by itself and never rejects here.
      await client.connect();
    },
    async stop() {
      client?.disconnect();
      client = null;
      token = null;
    },
  };
}

/** Why a message's sessionWebhook cannot take a reply, or null when it can. */
export function unusableReplyTarget(message: DingtalkRobotMessage, now: Date, allowedOrigins: Set<string>): string | null {
  if (!message.sessionWebhook) return 'message has no sessionWebhook';
  if (message.sessionWebhookExpiredTime !== undefined && message.sessionWebhookExpiredTime <= now.getTime()) return 'sessionWebhook expired';
  let origin: string;
  try {
    origin = new URL(message.sessionWebhook).origin;
  } catch {
    return 'sessionWebhook is not a URL';
  }
  return allowedOrigins.has(origin) ? null : 'sessionWebhook is not a DingTalk URL';
}
