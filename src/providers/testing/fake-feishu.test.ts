import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFeishu, type FakeFeishu } from './fake-feishu.js';
import type { RecordedRequest } from './recorded-request.js';

const APP_ID = 'cli_fakeselftest1';
const APP_SECRET = 'fake-self-test-secret';
let fake: FakeFeishu;
const heard: RecordedRequest[] = [];

beforeAll(async () => {
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, robots: { hooktoken: { secret: 'demo' } }, onRequest: (r) => heard.push(r) });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  heard.length = 0;
});

async function call(method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { code: number; msg: string; data?: Record<string, unknown>; tenant_access_token?: string } };
}
async function token(): Promise<string> {
  const { body } = await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: APP_ID, app_secret: APP_SECRET });
  return body.tenant_access_token!;
}
/** A raw keep-alive connection to the fake, so a test decides exactly when each request's bytes go out. */
async function rawConnection(): Promise<{ send(request: string): Promise<{ code: number }> }> {
  const { port } = new URL(fake.url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return {
    send(request) {
      const answer = new Promise<{ code: number }>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          const split = text.indexOf('\r\n\r\n');
          const length = /content-length: (\d+)/i.exec(text)?.[1];
          if (split >= 0 && length && text.length >= split + 4 + Number(length)) {
            socket.destroy();
            resolve(JSON.parse(text.slice(split + 4, split + 4 + Number(length))) as { code: number });
          }
        });
        socket.once('error', reject);
      });
      socket.write(request);
      return answer;
    },
  };
}
const memberRequest = (chatId: string, id: string, token: string) => {
  const body = JSON.stringify({ id_list: [id] });
  return (
    `POST /open-apis/im/v1/chats/${chatId}/members?member_id_type=open_id HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
};
const turns = async (n: number) => {
  for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve));
};
const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
const card = JSON.stringify({ config: { update_multi: true }, elements: [{ tag: 'div', text: { tag: 'lark_md', content: 'hi' } }] });

describe('fake feishu: auth', () => {
  it('issues tenant tokens only for the right app credentials', async () => {
    expect((await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: APP_ID, app_secret: 'nope' })).body).toMatchObject({ code: 10014 });
    const t = await token();
    expect(t).toMatch(/^t-/);
    fake.failTokens(99991663);
    expect((await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: APP_ID, app_secret: APP_SECRET })).body.code).toBe(99991663);
  });

  it('requires a Bearer tenant token on every API call, and records what it saw', async () => {
    const answer = await call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { receive_id: 'ou_a', msg_type: 'text', content: '{"text":"x"}' });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe(99991663);
    expect(fake.requests.at(-1)).toMatchObject({ fake: 'feishu', status: 401, query: { receive_id_type: 'open_id' } });
    expect(heard).toEqual(fake.requests);
  });
});

describe('fake feishu: messages', () => {
  it('refuses content that is not a JSON string, unknown msg_types and oversized cards', async () => {
    const t = await token();
    const send = (body: Record<string, unknown>) => call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { receive_id: 'ou_a', ...body }, t);
    expect((await send({ msg_type: 'interactive', content: JSON.parse(card) })).body.code).toBe(230001);
    expect((await send({ msg_type: 'fancy', content: card })).body.code).toBe(230001);
    const big = JSON.stringify({ elements: [{ tag: 'div', text: { tag: 'lark_md', content: 'x'.repeat(31 * 1024) } }] });
    expect((await send({ msg_type: 'interactive', content: big })).body.code).toBe(230025);
    expect((await send({ msg_type: 'text', content: JSON.stringify({ text: 'x'.repeat(31 * 1024) }) })).body.code).toBe(0);
    expect(fake.sends()).toHaveLength(1);
  });

  it('dedups on uuid and throttles a sixth message a second to one receiver', async () => {
    const t = await token();
    const send = (uuid: string) => call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { receive_id: 'ou_a', msg_type: 'interactive', content: card, uuid }, t);
    const a = await send('u-1');
    const b = await send('u-1');
    expect(b.body.data!.message_id).toBe(a.body.data!.message_id);
    for (const uuid of ['u-2', 'u-3', 'u-4']) await send(uuid);
    const throttled = await send('u-5');
    expect(throttled.status).toBe(429);
    expect(throttled.body.code).toBe(99991400);
    expect(throttled.headers.get('x-ogw-ratelimit-reset')).toBe('1');
    expect(fake.rateViolations()).toEqual([{ key: 'ou_a', at: expect.any(Date) }]);
  });

  it('patches only existing cards and buzzes only with a user_id_type', async () => {
    const t = await token();
    const sent = await call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { receive_id: 'ou_a', msg_type: 'interactive', content: card }, t);
    const id = String(sent.body.data!.message_id);
    expect((await call('PATCH', `/open-apis/im/v1/messages/${id}`, { content: card }, t)).body.code).toBe(0);
    expect((await call('PATCH', '/open-apis/im/v1/messages/om_nope', { content: card }, t)).body.code).toBe(230001);
    expect((await call('PATCH', `/open-apis/im/v1/messages/${id}/urgent_phone`, { user_id_list: ['ou_a'] }, t)).body.code).toBe(99992402);
    expect((await call('PATCH', `/open-apis/im/v1/messages/${id}/urgent_phone?user_id_type=open_id`, { user_id_list: ['ou_a', 'bad id'] }, t)).body.data).toEqual({ invalid_user_id_list: ['bad id'] });
    expect(fake.patches()).toHaveLength(1);
    expect(fake.urgents()).toEqual([{ messageId: id, level: 'phone', userIdType: 'open_id', userIds: ['ou_a'], invalidUserIds: ['bad id'] }]);
  });
});

describe('fake feishu: pins', () => {
  it('pins an existing message once, answers a repeat with the first pin, and refuses unknown messages and tokens', async () => {
    const t = await token();
    const sent = await call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { receive_id: 'ou_a', msg_type: 'interactive', content: card }, t);
    const id = String(sent.body.data!.message_id);
    const first = await call('POST', '/open-apis/im/v1/pins', { message_id: id }, t);
    expect(first.body).toMatchObject({ code: 0, data: { pin: { message_id: id, chat_id: String(sent.body.data!.chat_id), operator_id: APP_ID, operator_id_type: 'app_id' } } });
    const again = await call('POST', '/open-apis/im/v1/pins', { message_id: id }, t);
    expect(again.body).toEqual(first.body);
    expect(fake.pins()).toHaveLength(1);
    expect((await call('POST', '/open-apis/im/v1/pins', { message_id: 'om_nope' }, t)).body.code).toBe(230001);
    expect((await call('POST', '/open-apis/im/v1/pins', {}, t)).body.code).toBe(99992402);
    const unauthorised = await call('POST', '/open-apis/im/v1/pins', { message_id: id });
    expect([unauthorised.status, unauthorised.body.code]).toEqual([401, 99991663]);
    fake.reset();
    expect(fake.pins()).toEqual([]);
  });

  it('refuses a sixth pin call a second on one message with 230047', async () => {
    const t = await token();
    const sent = await call('POST', '/open-apis/im/v1/messages?receive_id_type=open_id', { receive_id: 'ou_a', msg_type: 'interactive', content: card }, t);
    const id = String(sent.body.data!.message_id);
    const codes: number[] = [];
    for (let i = 0; i < 6; i += 1) codes.push((await call('POST', '/open-apis/im/v1/pins', { message_id: id }, t)).body.code);
    expect(codes).toEqual([0, 0, 0, 0, 0, 230047]);
  });
});

describe('fake feishu: chats', () => {
  it('answers 232019 when two member calls on one chat overlap', async () => {
    const t = await token();
    const created = await call('POST', '/open-apis/im/v1/chats?user_id_type=open_id', { name: 'room' }, t);
    const chatId = String(created.body.data!.chat_id);
    const add = (id: string) => call('POST', `/open-apis/im/v1/chats/${chatId}/members?member_id_type=open_id`, { id_list: [id] }, t);
    const [a, b] = await Promise.all([add('ou_a'), add('ou_b')]);
    expect([a.body.code, b.body.code].sort()).toEqual([0, 232019]);
    expect((await add('ou_c')).body.code).toBe(0);
    expect(fake.chat(chatId)!.members).toHaveLength(2);
  });

  it('still catches the overlap when the process stalls between the two calls (a loaded machine)', async () => {
    const t = await token();
    const chatId = String((await call('POST', '/open-apis/im/v1/chats?user_id_type=open_id', { name: 'stall' }, t)).body.data!.chat_id);
    const [first, second] = await Promise.all([rawConnection(), rawConnection()]);
    await turns(20); // the fake has accepted both connections
    const a = first.send(memberRequest(chatId, 'ou_a', t));
    await turns(20); // the fake holds the first call
    const b = second.send(memberRequest(chatId, 'ou_b', t));
    // Descheduled for longer than the 20 ms hold: on waking, the hold's timer is due before the
    // already-sent second request is read. Holding on by loop turns still sees it.
    const until = performance.now() + 80;
    while (performance.now() < until) {
      // busy: the event loop stalls
    }
    const codes = [(await a).code, (await b).code];
    expect(codes).toEqual([0, 232019]);
    expect(fake.chat(chatId)!.members).toEqual(['ou_a']);
  });

  it('serial member calls never overlap; two concurrent ones do', async () => {
    const t = await token();
    const chatId = String((await call('POST', '/open-apis/im/v1/chats?user_id_type=open_id', { name: 'quick' }, t)).body.data!.chat_id);
    const add = (id: string) => call('POST', `/open-apis/im/v1/chats/${chatId}/members?member_id_type=open_id`, { id_list: [id] }, t);
    for (const id of ['ou_s1', 'ou_s2', 'ou_s3']) expect((await add(id)).body.code).toBe(0);
    const overlapping = await Promise.all([add('ou_c1'), add('ou_c2')]);
    expect(overlapping.map((r) => r.body.code).sort()).toEqual([0, 232019]);
    expect(fake.memberCalls().slice(0, 3).map((c) => c.code)).toEqual([0, 0, 0]);
    expect(fake.chat(chatId)!.members).toHaveLength(4);
  });
});

describe('fake feishu: custom bot', () => {
  const post = (body: unknown) => call('POST', '/open-apis/bot/v2/hook/hooktoken', body);
  const now = () => Math.floor(Date.now() / 1000);

  it('checks the signature and the one-hour window', async () => {
    // Written out independently of the provider's signFeishuBot.
    const sign = (ts: number) => createHmac('sha256', `${ts}\ndemo`).update('').digest('base64');
    expect((await post({ timestamp: String(now()), sign: sign(now()), msg_type: 'text', content: { text: 'hi' } })).body.code).toBe(0);
    expect((await post({ timestamp: String(now()), sign: 'forged', msg_type: 'text', content: { text: 'hi' } })).body.code).toBe(19021);
    const old = now() - 3700;
    expect((await post({ timestamp: String(old), sign: sign(old), msg_type: 'text', content: { text: 'hi' } })).body.code).toBe(19021);
    expect((await post({ timestamp: String(now()), sign: sign(now()), msg_type: 'interactive', content: {} })).body.code).toBe(9499);
    expect(fake.botMessages()).toHaveLength(1);
    expect(fake.requests.every((r) => r.fake === 'feishu-bot')).toBe(true);
  });
});

describe('fake feishu: callbacks as Feishu builds them', () => {
  it('encrypts so the SDK can decrypt, and signs so the SDK’s own check passes', async () => {
    const envelope = fake.cardAction({ openId: 'ou_a', messageId: 'om_1', chatId: 'oc_1', action: 'ack', incident: 'INC-1', token: 'vt' });
    const { headers, rawBody } = fake.callbackRequest(envelope, { encryptKey: 'k3y' });
    const body = JSON.parse(rawBody) as { encrypt: string };
    expect(JSON.parse(new lark.AESCipher('k3y').decrypt(body.encrypt))).toEqual(envelope);
    const seen: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'k3y', loggerLevel: lark.LoggerLevel.error, logger: quiet }).register({ 'card.action.trigger': async (data: unknown) => void seen.push(data) });
    await dispatcher.invoke(Object.assign(Object.create({ headers }), body));
    expect(seen).toHaveLength(1);
    await dispatcher.invoke(Object.assign(Object.create({ headers: { ...headers, 'x-lark-signature': 'bad' } }), body));
    expect(seen).toHaveLength(1);
  });

  it('posts a callback and returns the answer', async () => {
    const answer = await fake.postCallback(`${fake.url}/nowhere`, fake.challenge('vt', 'c-1'), { encrypt: false });
    expect(answer).toEqual({ status: 401, body: expect.objectContaining({ code: 99991663 }) });
  });
});
