import { newId, PermanentError, systemClock, type Clock } from '../../kernel/index.js';
import {
  encodeMessageRef,
  type ChannelSender,
  type ChatCapabilities,
  type ChatMessenger,
  type ChatTarget,
  type MessageDoc,
  type MessageRef,
  type NotificationProvider,
  type RateRule,
  type Recipient,
} from '../api.js';
import { dingtalkConfigSchema, type DingtalkConfig, type DingtalkConfigInput, type DingtalkRobot } from './config.js';
import { errorForErrcode, errorForFetchFailure, errorForStatus, type RobotLabel } from './errors.js';
import { createDingtalkCallbackVerifier } from './inbound.js';
import { dingtalkMobile, renderDingtalkMessage, withIdempotencyMarker, type DingtalkRobotBody } from './render.js';
import { signedWebhookUrl } from './sign.js';
import { createDingtalkLongConnection, DINGTALK_REPLY_ORIGINS, type DingtalkStreamClient, type StreamLog } from './stream.js';

export { dingtalkConfigSchema, type DingtalkConfig, type DingtalkConfigInput } from './config.js';
export { ERRCODE_SECURITY, ERRCODE_TOO_FAST, THROTTLE_RETRY_MS } from './errors.js';
export {
  callbackEventId,
  createDingtalkCallbackVerifier,
  dingtalkReplyBody,
  parseDingtalkCardCallback,
  parseDingtalkRobotMessage,
  type DingtalkDownstream,
  type DingtalkRobotMessage,
} from './inbound.js';
export {
  atOf,
  dingtalkMobile,
  idempotencyMarker,
  renderDingtalkMessage,
  renderDingtalkText,
  withIdempotencyMarker,
  DINGTALK_BODY_LIMIT_BYTES,
  type DingtalkAt,
  type DingtalkRenderOptions,
  type DingtalkRobotBody,
} from './render.js';
export { CALLBACK_WINDOW_MS, checkDingtalkSign, dingtalkSign, signedWebhookUrl } from './sign.js';
export { createDingtalkLongConnection, DINGTALK_REPLY_ORIGINS, type DingtalkLongConnectionOptions, type DingtalkStreamClient } from './stream.js';

/** DingTalk ignores it; it lets a fake or a proxy tie a delivery to the MessageRef we return. */
export const MESSAGE_ID_HEADER = 'X-Warroom-Message-Id';
/** 20 messages per minute per robot, and going over mutes the robot for 10 minutes: never burst. */
export const ROBOT_INTERVAL_MS = 3000;

export interface DingtalkProviderDeps {
  clock?: Clock;
  /** For the stream connection (tests pass a fake DWClient). */
  streamClientFactory?: (credentials: { clientId: string; clientSecret: string }) => DingtalkStreamClient;
  logger?: StreamLog;
  /** Extra origins stream replies may be posted to (the local fake). */
  replyOrigins?: string[];
}

/**
 * DingTalk custom robots (自定义机器人): signed webhook posts into the robot's group. Pages @ the
 * person in the default robot's group. Robots cannot edit, create groups or buzz, so only a
 * messenger is declared; with an internal app configured, robot messages and card callbacks come
 * in over the stream connection or the HTTP callback.
 */
export function createDingtalkProvider(config: DingtalkConfigInput, deps: DingtalkProviderDeps = {}): NotificationProvider {
  const settings = dingtalkConfigSchema.parse(config);
  const clock = deps.clock ?? systemClock;
  const post = (robotName: string, body: DingtalkRobotBody) => postToRobot(settings, clock, robotName, body);

  const sender: ChannelSender = {
    channel: 'dingtalk',
    async send(to, doc, options) {
      const at = recipientAt(to);
      const ref = await post(settings.default_robot, render(settings, settings.default_robot, withIdempotencyMarker(doc, options.idempotencyKey), at));
      return { externalId: encodeMessageRef(ref) };
    },
  };

  const messenger: ChatMessenger = {
    async post(target, doc, options) {
      const robotName = robotFor(settings, target);
      const at = target.kind === 'user' ? { atUserIds: [target.id] } : {};
      return post(robotName, render(settings, robotName, withIdempotencyMarker(doc, options.idempotencyKey), at));
    },
  };

  const rateRule = (target: ChatTarget): RateRule => ({
    key: `dingtalk:${target.kind === 'chat' ? target.id : settings.default_robot}`,
    intervalMs: ROBOT_INTERVAL_MS,
  });

  const longConnection = settings.app
    ? createDingtalkLongConnection(settings.app, {
        clock,
        timeoutMs: settings.timeout_ms,
        ...(deps.streamClientFactory ? { clientFactory: deps.streamClientFactory } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(deps.replyOrigins ? { replyOrigins: [...DINGTALK_REPLY_ORIGINS, ...deps.replyOrigins] } : {}),
      })
    : undefined;

  const chat: ChatCapabilities = {
    platform: 'dingtalk',
    messenger,
    ...(settings.app ? { inbound: createDingtalkCallbackVerifier(settings.app.client_secret) } : {}),
    ...(longConnection ? { longConnection } : {}),
    rateRule,
    // Pages always go out through the default robot's group, whoever they @: they count against
    // that robot's 20-a-minute limit, shared with everything else posted there.
    pageRateRule: () => rateRule({ kind: 'chat', id: settings.default_robot }),
    // The stream / HTTP callback answers a command in the chat itself (session webhook or the
    // callback's reply body), and the messenger cannot post to a conversationId anyway.
    repliesInline: true,
  };

  return {
    info: () => ({ id: 'dingtalk', displayName: 'DingTalk', channels: ['dingtalk'] }),
    senders: [sender],
    chat,
    close: async () => {
      await longConnection?.stop();
    },
  };
}

/** A DingTalk user id when warroom knows it, otherwise the mobile number; both would @ the same person twice. */
function recipientAt(to: Recipient): { atUserIds?: string[]; atMobiles?: string[] } {
  const userId = to.chatIds.dingtalk?.trim();
  if (userId) return { atUserIds: [userId] };
  const mobile = to.phone ? dingtalkMobile(to.phone) : null;
  if (mobile) return { atMobiles: [mobile] };
  throw new PermanentError(`recipient ${to.userId} has no DingTalk user id and no phone number to @`);
}

function robotFor(settings: DingtalkConfig, target: ChatTarget): string {
  if (target.kind === 'user') return settings.default_robot;
  if (!Object.hasOwn(settings.robots, target.id)) throw new PermanentError(`unknown dingtalk robot "${target.id}"; configure it under robots`);
  return target.id;
}

function render(settings: DingtalkConfig, robotName: string, doc: MessageDoc, at: { atUserIds?: string[]; atMobiles?: string[] }): DingtalkRobotBody {
  const keyword = settings.robots[robotName]!.keyword;
  return renderDingtalkMessage(doc, { ...at, ...(keyword ? { keyword } : {}) });
}

/**
 * POSTs one body to a robot. DingTalk answers HTTP 200 with {errcode, errmsg} and returns no
 * message id, so the id in the MessageRef is ours (sent along in MESSAGE_ID_HEADER).
 */
async function postToRobot(settings: DingtalkConfig, clock: Clock, robotName: string, body: DingtalkRobotBody): Promise<MessageRef> {
  const robot: DingtalkRobot = settings.robots[robotName]!;
  const url = signedWebhookUrl(robot.webhook_url, robot.secret, clock.now());
  const label: RobotLabel = { robot: robotName, host: url.host, secrets: [url.searchParams.get('access_token') ?? '', robot.secret ?? ''] };
  const messageId = newId();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', [MESSAGE_ID_HEADER]: messageId },
      body: JSON.stringify(body),
      // A redirected POST would turn into a GET and lose the body.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeout_ms),
    });
  } catch (error) {
    throw errorForFetchFailure(label, error, settings.timeout_ms);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {});
    throw errorForStatus(label, response.status, response.headers.get('retry-after'), clock.now());
  }
  let answer: { errcode?: unknown; errmsg?: unknown } | null;
  try {
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    // A timeout while reading is worth a retry; a 200 that is not JSON means the URL is not a robot.
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw errorForFetchFailure(label, error, settings.timeout_ms);
    throw new PermanentError(`dingtalk robot "${robotName}" (${label.host}) answered 200 without a JSON body; check webhook_url`);
  }
  if (typeof answer?.errcode !== 'number') throw new PermanentError(`dingtalk robot "${robotName}" (${label.host}) answered without an errcode`);
  if (answer.errcode !== 0) throw errorForErrcode(label, answer.errcode, answer.errmsg);
  return { platform: 'dingtalk', chatId: robotName, messageId };
}
