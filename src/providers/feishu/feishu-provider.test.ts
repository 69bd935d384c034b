import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, ValidationError } from '../../kernel/index.js';
import { decodeMessageRef, type ChatCapabilities, type MessageDoc, type Recipient } from '../api.js';
import { startFakeFeishu, type FakeFeishu } from '../testing/fake-feishu.js';
import { expectNoSecret } from '../testing/provider-test-kit.js';
import { createFeishuProvider, feishuConfigSchema, type FeishuConfigInput } from './index.js';

const APP_ID = 'cli_prov000000001';
const APP_SECRET = 'feishu-provider-secret-6e2d';
let fake: FakeFeishu;

beforeAll(async () => {
  fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET, invalidUserIds: ['ou_nobuzz'] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const config = (overrides: Partial<FeishuConfigInput> = {}): FeishuConfigInput => ({
  app_id: APP_ID,
  app_secret: APP_SECRET,
  domain: fake.url,
  timeout_ms: 500,
  ...overrides,
});
const provider = (overrides: Partial<FeishuConfigInput> = {}) => createFeishuProvider(config(overrides));
const sender = (overrides: Partial<FeishuConfigInput> = {}) => provider(overrides).senders.find((s) => s.channel === 'feishu')!;
const chat = (overrides: Partial<FeishuConfigInput> = {}): ChatCapabilities => provider(overrides).chat!;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

const page: MessageDoc = {
  kind: 'page',
  title: 'Payments down',
  severity: 'P0',
  incidentRef: 'INC-3',
  incidentUrl: 'https://warroom.example/incidents/3',
  fields: [],
  links: [],
  actions: [{ id: 'ack', label: 'Acknowledge' }],
  mentions: [],
};
const bob: Recipient = { userId: 'u-bob', name: 'Bob', email: null, phone: null, webhookUrl: null, timezone: 'Asia/Shanghai', chatIds: { feishu: 'ou_bob' } };

describe('feishu provider: identity and config', () => {
  it('declares itself', () => {
    expect(provider().info()).toEqual({ id: 'feishu', displayName: 'Feishu', channels: ['feishu'] });
    expect(provider({ domain: 'lark' }).info().displayName).toBe('Lark');
  });

  it('refuses a bad config naming the field but not the secret', () => {
    let error: unknown;
    try {
      createFeishuProvider({ app_id: APP_ID, app_secret: 'super-secret-value', domain: 'ftp://x', bogus: 1 } as FeishuConfigInput);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/domain/);
    expect((error as Error).message).toMatch(/bogus/);
    expectNoSecret(error, ['super-secret-value']);
  });

  it('defaults: feishu domain, webhook inbound, P0 phone and P1 app buzz, 10 s timeout; trailing slash dropped', () => {
    const parsed = feishuConfigSchema.parse({ app_id: 'a', app_secret: 'b' });
    expect(parsed).toMatchObject({ domain: 'feishu', inbound: 'webhook', urgent: { P0: ['phone'], P1: ['app'] }, timeout_ms: 10_000 });
    expect(feishuConfigSchema.parse({ app_id: 'a', app_secret: 'b', domain: 'http://127.0.0.1:9/' }).domain).toBe('http://127.0.0.1:9');
  });

  it('rate rules: 5 a second per chat and per user', () => {
    const c = chat();
    expect(c.rateRule({ kind: 'chat', id: 'oc_1' })).toEqual({ key: 'feishu:chat:oc_1', intervalMs: 200 });
    expect(c.rateRule({ kind: 'user', id: 'ou_1' })).toEqual({ key: 'feishu:user:ou_1', intervalMs: 200 });
  });

  it('paces a page by the person\'s Feishu or Lark id, and not at all when there is none', () => {
    const c = chat();
    expect(c.pageRateRule?.(bob)).toEqual({ key: 'feishu:user:ou_bob', intervalMs: 200 });
    expect(c.pageRateRule?.(bob)).toEqual(c.rateRule({ kind: 'user', id: 'ou_bob' }));
    expect(c.pageRateRule?.({ ...bob, chatIds: { lark: 'ou_larkbob' } })?.key).toBe('feishu:user:ou_larkbob');
    expect(c.pageRateRule?.({ ...bob, chatIds: { slack: 'U123' } })).toBeNull();
  });

  it('offers a long connection only when configured for it', () => {
    expect(chat().longConnection).toBeUndefined();
    expect(chat({ inbound: 'long_connection' }).longConnection).toBeDefined();
    expect(chat().inbound).toBeDefined();
  });
});

describe('feishu sender (paging a person)', () => {
  it('a P0 page posts the card to the person and buzzes them by phone', async () => {
    const { externalId } = await sender().send(bob, page, { idempotencyKey: 'page-1' });
    const ref = decodeMessageRef(externalId)!;
    const [send] = fake.sends();
    expect(send).toMatchObject({ receiveId: 'ou_bob', receiveIdType: 'open_id', msgType: 'interactive', uuid: 'page-1', messageId: ref.messageId, chatId: ref.chatId });
    expect((send!.content as { header: { template: string } }).header.template).toBe('red');
    expect(fake.urgents()).toEqual([{ messageId: ref.messageId, level: 'phone', userIdType: 'open_id', userIds: ['ou_bob'], invalidUserIds: [] }]);
  });

  it('a P1 page buzzes in the app; a P2 page and a P0 update buzz nobody', async () => {
    await sender().send(bob, { ...page, severity: 'P1' }, { idempotencyKey: 'p1' });
    expect(fake.urgents().map((u) => u.level)).toEqual(['app']);
    await sender().send(bob, { ...page, severity: 'P2' }, { idempotencyKey: 'p2' });
    await sender().send(bob, { ...page, kind: 'update' }, { idempotencyKey: 'p0-update' });
    expect(fake.urgents()).toHaveLength(1);
    expect(fake.sends()).toHaveLength(3);
  });

  it('uses the configured levels and the id type of the person', async () => {
    await sender({ urgent: { P0: ['app', 'sms'] } }).send({ ...bob, chatIds: { lark: 'on_bobunion' } }, page, { idempotencyKey: 'levels' });
    expect(fake.sends()[0]).toMatchObject({ receiveId: 'on_bobunion', receiveIdType: 'union_id' });
    expect(fake.urgents().map((u) => [u.level, u.userIdType, u.userIds])).toEqual([
      ['app', 'union_id', ['on_bobunion']],
      ['sms', 'union_id', ['on_bobunion']],
    ]);
  });

  it('a retried send with the same key gets the same message from Feishu, and buzzes again', async () => {
    const first = await sender().send(bob, page, { idempotencyKey: 'retry-me' });
    const second = await sender().send(bob, page, { idempotencyKey: 'retry-me' });
    expect(second.externalId).toBe(first.externalId);
    expect(fake.sends().map((s) => s.duplicate)).toEqual([false, true]);
    expect(fake.messages()).toHaveLength(1);
    expect(fake.urgents()).toHaveLength(2);
  });

  it('a throttled buzz makes the whole send retryable, with the reset hint', async () => {
    fake.failNextOn(/urgent_phone$/, { kind: 'fail', status: 429, code: 99991400, retryAfter: 3 });
    const error = await failure(sender().send(bob, page, { idempotencyKey: 'buzz-throttled' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(3000);
    expect(fake.sends()).toHaveLength(1);
  });

  it('a retryable failure of a later level does not re-ring earlier ones in the same call; the retried send rings all again', async () => {
    const levels = sender({ urgent: { P0: ['app', 'sms', 'phone', 'app'] } });
    fake.failNextOn(/urgent_sms$/, { kind: 'fail', status: 429, code: 99991400, retryAfter: 1 });
    const error = await failure(levels.send(bob, page, { idempotencyKey: 'multi-level' }));
    expect(error).toBeInstanceOf(RetryableError);
    // app rang once, sms failed, phone was never tried.
    expect(fake.urgents().map((u) => u.level)).toEqual(['app']);
    expect(fake.requests.filter((r) => r.path.includes('/urgent_')).map((r) => r.path.split('/').pop())).toEqual(['urgent_app', 'urgent_sms']);
    // At least once: the retry (a new call) buzzes every level again, app included.
    await levels.send(bob, page, { idempotencyKey: 'multi-level' });
    expect(fake.urgents().map((u) => u.level)).toEqual(['app', 'app', 'sms', 'phone']);
  });

  it('a refused buzz does not undo a delivered message', async () => {
    fake.failNextOn(/urgent_phone$/, { kind: 'fail', status: 400, code: 230001, message: 'no quota' });
    const { externalId } = await sender().send(bob, page, { idempotencyKey: 'buzz-refused' });
    expect(decodeMessageRef(externalId)?.messageId).toBe(fake.sends()[0]!.messageId);
    expect(fake.urgents()).toHaveLength(0);
  });

  it('hashes idempotency keys longer than Feishu’s 50-character uuid, stably', async () => {
    const key = `notify:${'x'.repeat(80)}`;
    await sender().send(bob, page, { idempotencyKey: key });
    await sender().send(bob, page, { idempotencyKey: key });
    const [a, b] = fake.sends();
    expect(a!.uuid!.length).toBeLessThanOrEqual(50);
    expect(b!.uuid).toBe(a!.uuid);
    expect(b!.messageId).toBe(a!.messageId);
  });

  it('a person with no Feishu id on file is found by phone and paged at their open_id', async () => {
    fake.setDirectory([{ openId: 'ou_found', mobile: '13900000002' }]);
    await sender().send({ ...bob, chatIds: {}, phone: '+8613900000002' }, page, { idempotencyKey: 'by-phone' });
    expect(fake.lookups()).toEqual([{ emails: [], mobiles: ['13900000002'] }]);
    expect(fake.sends()[0]).toMatchObject({ receiveId: 'ou_found', receiveIdType: 'open_id' });
    expect(fake.urgents()[0]).toMatchObject({ userIds: ['ou_found'], level: 'phone' });
    fake.setDirectory([]);
  });

  it('a person with no Feishu id, email or phone is a PermanentError, and nothing is sent', async () => {
    const error = await failure(sender().send({ ...bob, chatIds: {} }, page, { idempotencyKey: 'nobody' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(fake.requests.filter((r) => r.path.includes('/im/'))).toHaveLength(0);
  });

  it('a person the directory does not know is a PermanentError', async () => {
    const error = await failure(sender().send({ ...bob, chatIds: {}, email: 'ghost@example.com' }, page, { idempotencyKey: 'ghost' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(fake.lookups()).toEqual([{ emails: ['ghost@example.com'], mobiles: [] }]);
  });
});

describe('feishu messenger, updater and urgent', () => {
  const key = { idempotencyKey: 'chat-post' };

  it('posts to a group chat by chat_id and edits the card in place', async () => {
    const { rooms, messenger, updater } = chat();
    const { chatId } = await rooms!.createRoom({ name: 'INC-3', memberIds: [], idempotencyKey: 'room-3' });
    const ref = await messenger!.post({ kind: 'chat', id: chatId }, page, key);
    expect(ref).toEqual({ platform: 'feishu', chatId, messageId: fake.sends()[0]!.messageId });
    expect(fake.sends()[0]).toMatchObject({ receiveIdType: 'chat_id', receiveId: chatId });
    await updater!.update(ref, { ...page, kind: 'update', status: 'acknowledged' });
    const [patch] = fake.patches();
    expect(patch!.messageId).toBe(ref.messageId);
    expect(JSON.stringify(patch!.content)).toContain('**Status:** acknowledged');
    expect(JSON.stringify(patch!.content)).not.toContain('"action":"ack"');
  });

  it('sends digests as rich text and edits them with PUT', async () => {
    const { messenger, updater } = chat();
    const digest: MessageDoc = { ...page, kind: 'digest', title: '3 pages while you were busy', actions: [] };
    const ref = await messenger!.post({ kind: 'user', id: 'user-42' }, digest, key);
    expect(fake.sends()[0]).toMatchObject({ msgType: 'post', receiveIdType: 'user_id' });
    await updater!.update(ref, { ...digest, title: '4 pages while you were busy' });
    expect(fake.edits()).toHaveLength(1);
    expect(fake.edits()[0]!.body).toMatchObject({ msg_type: 'post' });
  });

  it('buzzes several people and reports the ones Feishu refused', async () => {
    const c = chat();
    const ref = await c.messenger!.post({ kind: 'user', id: 'ou_bob' }, page, key);
    const result = await c.urgent!.urgent(ref, ['ou_bob', 'ou_nobuzz', 'u-carol'], 'app');
    expect(result.invalidUserIds).toEqual(['ou_nobuzz']);
    expect(fake.urgents().map((u) => [u.userIdType, u.userIds])).toEqual([
      ['open_id', ['ou_bob']],
      ['user_id', ['u-carol']],
    ]);
  });

  it('editing a message that does not exist is a PermanentError', async () => {
    const error = await failure(chat().updater!.update({ platform: 'feishu', chatId: 'oc_x', messageId: 'om_missing' }, page));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/im\.message\.patch.*230001/);
  });
});

describe('feishu pin (the live card on top of the war room)', () => {
  const key = { idempotencyKey: 'pin-post' };
  const roomCard = async (c: ChatCapabilities) => {
    const { chatId } = await c.rooms!.createRoom({ name: 'INC-3', memberIds: [], idempotencyKey: 'room-pin' });
    return c.messenger!.post({ kind: 'chat', id: chatId }, page, key);
  };

  it('pins the card with POST /open-apis/im/v1/pins, and the fake records it', async () => {
    const c = chat();
    const ref = await roomCard(c);
    await c.updater!.pin!(ref);
    expect(fake.pins()).toEqual([{ messageId: ref.messageId, chatId: ref.chatId, operatorId: APP_ID, operatorIdType: 'app_id', createTime: expect.stringMatching(/^\d+$/) }]);
    const request = fake.requests.find((r) => r.path === '/open-apis/im/v1/pins');
    expect(request).toMatchObject({ method: 'POST', status: 200, body: { message_id: ref.messageId } });
  });

  it('pinning twice succeeds and leaves one pin', async () => {
    const c = chat();
    const ref = await roomCard(c);
    await c.updater!.pin!(ref);
    await expect(c.updater!.pin!(ref)).resolves.toBeUndefined();
    expect(fake.requests.filter((r) => r.path === '/open-apis/im/v1/pins').map((r) => r.status)).toEqual([200, 200]);
    expect(fake.pins()).toHaveLength(1);
  });

  it('pinning a message Feishu does not know is a PermanentError naming the call, without the secret', async () => {
    const error = await failure(chat().updater!.pin!({ platform: 'feishu', chatId: 'oc_x', messageId: 'om_missing' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/im\.pin\.create.*230001/);
    expectNoSecret(error, [APP_SECRET]);
    expect(fake.pins()).toHaveLength(0);
  });

  it('pinning in a disbanded room is a PermanentError', async () => {
    const c = chat();
    const ref = await roomCard(c);
    await c.rooms!.closeRoom(ref.chatId, 'disband');
    const error = await failure(c.updater!.pin!(ref));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/230045/);
  });

  it('a throttled pin is a RetryableError with the reset hint; the retry pins', async () => {
    const c = chat();
    const ref = await roomCard(c);
    fake.failNextOn(/\/im\/v1\/pins$/, { kind: 'fail', status: 429, code: 99991400, retryAfter: 2 });
    const error = await failure(c.updater!.pin!(ref));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(2000);
    expect(fake.pins()).toHaveLength(0);
    await c.updater!.pin!(ref);
    expect(fake.pins()).toHaveLength(1);
  });

  it('over 5 pins a second on one message (230047) is a RetryableError', async () => {
    const c = chat();
    const ref = await roomCard(c);
    const results = await Promise.all(Array.from({ length: 6 }, () => failure(c.updater!.pin!(ref))));
    const errors = results.filter((e) => e !== undefined);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RetryableError);
    expect((errors[0] as Error).message).toMatch(/230047/);
    expect(fake.pins()).toHaveLength(1);
  });
});

describe('feishu destination rate limit', () => {
  it('posting as fast as possible trips the 5 QPS limit; spacing by rateRule keeps under it', async () => {
    const c = chat();
    const target = { kind: 'user' as const, id: 'ou_busy' };
    const burst = await Promise.all(Array.from({ length: 7 }, (_, i) => failure(c.messenger!.post(target, page, { idempotencyKey: `burst-${i}` }))));
    expect(burst.filter((e) => e instanceof RetryableError)).toHaveLength(2);
    expect(fake.rateViolations()).toHaveLength(2);

    fake.reset();
    const { intervalMs } = c.rateRule(target);
    for (let i = 0; i < 7; i += 1) {
      await c.messenger!.post(target, page, { idempotencyKey: `spaced-${i}` });
      await sleep(intervalMs);
    }
    expect(fake.rateViolations()).toHaveLength(0);
    expect(fake.sends()).toHaveLength(7);
  });
});
