import { newId } from '../../kernel/index.js';
import { apiName, expectOk, requestWecomJson } from './errors.js';
import type { WecomMessage } from './render.js';

/** Sent along with every robot post; WeCom ignores them, logs and the local fake read them. */
export const MESSAGE_ID_HEADER = 'x-warroom-message-id';
export const IDEMPOTENCY_HEADER = 'x-warroom-idempotency-key';

export interface WecomRobot {
  name: string;
  /** The full webhook URL; its `key` query parameter is the robot's only credential. */
  url: URL;
}

/**
 * Posts one message to a group robot (POST …/cgi-bin/webhook/send?key=K, document path 91770).
 * Robots return no message id, so warroom names the post itself (a uuid) and sends the name in a
 * header, where the fake and any proxy log can tie the two together.
 */
export async function postToRobot(
  robot: WecomRobot,
  message: WecomMessage,
  options: { idempotencyKey: string; timeoutMs: number },
): Promise<{ messageId: string }> {
  // Every robot shares the path; the name says which one failed, and the key never shows.
  const api = `${apiName(robot.url)} (robot ${robot.name})`;
  const messageId = newId();
  const headers = { [MESSAGE_ID_HEADER]: messageId, [IDEMPOTENCY_HEADER]: options.idempotencyKey };
  const reply = await requestWecomJson(robot.url, { method: 'POST', body: message, headers }, options.timeoutMs, api);
  expectOk(api, reply, [robot.url.searchParams.get('key') ?? '']);
  return { messageId };
}
