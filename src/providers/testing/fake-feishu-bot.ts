import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../kernel/index.js';
import type { FakeCall, FakeFeishuRobot, FakeFeishuState } from './fake-feishu-state.js';

const HOOK = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/;
const BODY_MAX = 20 * 1024;
const SKEW_MAX_SEC = 3600;

/** Whether a path is the custom-bot webhook (which takes no tenant token). */
export const isBotHook = (path: string) => HOOK.test(path);

/**
 * The custom-bot webhook (reference §1.10 / §6 item 14). Errors come back as HTTP 200 with a code,
 * the way the bot API answers ([U] the HTTP status of error answers is not documented).
 */
export function routeBot(state: FakeFeishuState, call: FakeCall, robots: Map<string, FakeFeishuRobot>, clock: Clock): void {
  const token = HOOK.exec(call.path)?.[1] ?? '';
  const refuse = (code: number, msg: string) => call.send(200, { code, msg, data: {} }, {}, msg);
  const robot = robots.get(token);
  if (call.method !== 'POST') return refuse(9499, 'Bad Request');
  if (!robot) return refuse(19001, 'param invalid: incoming webhook access token invalid');
  if (call.rawBody.length > BODY_MAX) return refuse(9499, 'Bad Request: body over 20 KB');
  if (!call.body || Object.keys(call.body).length === 0) return refuse(9499, 'Bad Request');
  const body = call.body;
  if (robot.secret) {
    const timestamp = Number(body.timestamp);
    const sign = typeof body.sign === 'string' ? body.sign : '';
    const fresh = Number.isInteger(timestamp) && Math.abs(clock.now().getTime() / 1000 - timestamp) <= SKEW_MAX_SEC;
    if (!fresh || !sameText(sign, expectedSign(String(body.timestamp), robot.secret))) {
      return refuse(19021, 'sign match fail or timestamp is not within one hour from current time');
    }
  }
  const msgType = String(body.msg_type ?? '');
  const shapeOk =
    (msgType === 'text' && typeof (body.content as { text?: unknown } | undefined)?.text === 'string') ||
    (msgType === 'post' && typeof (body.content as { post?: unknown } | undefined)?.post === 'object') ||
    (msgType === 'interactive' && typeof body.card === 'object' && body.card !== null) ||
    (msgType === 'image' && typeof (body.content as { image_key?: unknown } | undefined)?.image_key === 'string') ||
    (msgType === 'share_chat' && typeof (body.content as { share_chat_id?: unknown } | undefined)?.share_chat_id === 'string');
  if (!shapeOk) return refuse(9499, `Bad Request: ${msgType || 'missing msg_type'} body of the wrong shape`);
  if (robot.keyword && !JSON.stringify(body.content ?? body.card).includes(robot.keyword)) return refuse(19024, 'Key Words Not Found');
  // 5 a second and 100 a minute per bot.
  if (!state.allow(`bot-s:${token}`, 5, 1000) || !state.allow(`bot-m:${token}`, 100, 60_000)) {
    state.rateViolations.push({ key: `bot:${token}`, at: clock.now() });
    return refuse(11232, 'frequency limited psm[lark.oapi.app_platform_runtime]appID[0]');
  }
  const header = call.headers['x-request-id'];
  const messageId = (Array.isArray(header) ? header[0] : header) || randomUUID();
  state.botMessages.push({ robot: token, messageId, msgType, body, at: clock.now() });
  call.send(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' });
}

/** Written out here rather than imported, so the fake checks the provider instead of agreeing with it. */
function expectedSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
