import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, PermanentError, RetryableError } from '../../kernel/index.js';
import { decodeMessageRef, encodeMessageRef, type NotificationProvider, type Recipient } from '../api.js';
import { runChatProviderTestKit } from '../testing/chat-provider-test-kit.js';
import { startFakeSlack, type FakeSlack } from '../testing/fake-slack.js';
import { expectNoSecret, kitDoc, runProviderTestKit } from '../testing/provider-test-kit.js';
import { createSlackProvider, renderSlackBlocks, type SlackConfigInput } from './index.js';

const BOT_TOKEN = 'xoxb-1111-2222-kitSecretBotToken';
const WRONG_TOKEN = 'xoxb-9999-8888-wrongBotTokenValue';
const SIGNING_SECRET = 'slack-signing-secret-0123456789abcdef';
const SECRETS = [BOT_TOKEN, WRONG_TOKEN, SIGNING_SECRET];

let fake: FakeSlack;
let channelId: string;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
  channelId = fake.seedChannel('incidents');
});
afterAll(async () => {
  await fake.close();
});

const configFor = (overrides: Partial<SlackConfigInput> = {}): SlackConfigInput => ({
  bot_token: BOT_TOKEN,
  signing_secret: SIGNING_SECRET,
  api_url: fake.apiUrl,
  timeout_ms: 300,
  ...overrides,
});
const makeProvider = ({ credentials }: { credentials: 'valid' | 'invalid' }): NotificationProvider =>
  createSlackProvider(configFor(credentials === 'invalid' ? { bot_token: WRONG_TOKEN } : {}));

const alice = (): Recipient => ({
  userId: 'u-alice',
  name: 'Alice',
  email: 'alice@example.com',
  phone: null,
  webhookUrl: null,
  timezone: 'UTC',
  chatIds: { slack: 'U0ALICE001' },
});

runChatProviderTestKit({
  name: 'slack',
  platform: 'slack',
  makeProvider,
  fake: () => ({
    posts: () => fake.messages().map((m) => ({ messageId: m.ts, chatId: m.channel })),
    updates: () => fake.updates().map((u) => ({ messageId: u.ts, body: u.body })),
    throttleNext: (retryAfterSec) => fake.throttleNext(retryAfterSec),
    serverErrorNext: () => fake.serverErrorNext(),
    rejectNext: () => fake.rejectNext(),
    hangNext: () => fake.hangNext(),
    reset: () => fake.reset(),
    retryAfterSupported: true,
  }),
  target: () => ({ kind: 'chat', id: channelId }),
  secrets: SECRETS,
  render: renderSlackBlocks,
  canUpdate: true,
});

runProviderTestKit({
  name: 'slack',
  channel: 'slack',
  makeProvider,
  fake: () => ({
    deliveries: () =>
      fake.messages().map((m) => ({ externalId: encodeMessageRef({ platform: 'slack', chatId: m.channel, messageId: m.ts }), idempotencyMarker: m.idempotencyKey })),
    throttleNext: (retryAfterSec) => fake.throttleNext(retryAfterSec),
    serverErrorNext: () => fake.serverErrorNext(),
    rejectNext: () => fake.rejectNext(),
    hangNext: () => fake.hangNext(),
    reset: () => fake.reset(),
    retryAfterSupported: true,
  }),
  // No chatIds.slack: the kit's "no address" case clears email, phone and webhook but keeps chatIds,
  // so the kit pages through the email lookup; the chatIds path is covered below.
  recipient: () => ({ ...alice(), chatIds: {} }),
  secrets: SECRETS,
});

describe('slack sender and messenger', () => {
  beforeEach(() => fake.reset());
  const provider = () => createSlackProvider(configFor());
  const sender = () => provider().senders[0]!;
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

  it('pages a person in their DM: the externalId names the D… channel and ts that chat.update needs', async () => {
    const { externalId } = await sender().send(alice(), kitDoc, { idempotencyKey: 'notify:7:alice:slack' });
    const ref = decodeMessageRef(externalId);
    expect(ref).toEqual({ platform: 'slack', chatId: 'D0ALICE001', messageId: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    const [message] = fake.messages();
    expect(message).toMatchObject({ channel: 'D0ALICE001', ts: ref!.messageId, idempotencyKey: 'notify:7:alice:slack' });
    expect(message!.metadata).toEqual({ event_type: 'warroom_page', event_payload: { idempotency_key: 'notify:7:alice:slack' } });
    // The notification text names the incident; blocks arrived decoded from the form body.
    expect(message!.text).toBe('⚠️ [P1] INC-7 Checkout API error rate above 5%');
    expect((message!.blocks as { type: string }[])[0]!.type).toBe('header');
    // The same person always gets the same DM channel.
    const again = decodeMessageRef((await sender().send(alice(), kitDoc, { idempotencyKey: 'k2' })).externalId);
    expect(again!.chatId).toBe('D0ALICE001');
  });

  it('sends the bot token as a bearer header, never in the body', async () => {
    await sender().send(alice(), kitDoc, { idempotencyKey: 'k-auth' });
    const [request] = fake.requests;
    expect(request).toMatchObject({ path: '/api/chat.postMessage', method: 'POST' });
    expect(request!.headers.authorization).toBe('Bearer [redacted]');
    expect(request!.rawBody).not.toContain(BOT_TOKEN);
    expect(request!.body).toMatchObject({ unfurl_links: 'false', channel: 'U0ALICE001' });
  });

  it('a recipient with neither a Slack id nor an email is a PermanentError before any call', async () => {
    const error = await failure(sender().send({ ...alice(), email: null, chatIds: { feishu: 'ou_1' } }, kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('recipient u-alice has no Slack user id');
    expect(fake.requests).toHaveLength(0);
  });

  it('without a Slack id, finds the person by email and DMs them; an email Slack does not know is permanent', async () => {
    const { externalId } = await sender().send({ ...alice(), email: 'bob@example.com', chatIds: {} }, kitDoc, { idempotencyKey: 'k' });
    expect(decodeMessageRef(externalId)!.chatId).toBe('D0BOB00002');
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/users.lookupByEmail', '/api/chat.postMessage']);

    const error = await failure(sender().send({ ...alice(), email: 'ghost@example.com', chatIds: {} }, kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('recipient u-alice has no Slack user id and Slack knows no user with their email');
    expect(fake.messages()).toHaveLength(1);
  });

  it('a stored Slack id wins over the email: no lookup', async () => {
    await sender().send(alice(), kitDoc, { idempotencyKey: 'k' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage']);
  });

  it('an unknown user id is a PermanentError naming the method and the Slack code', async () => {
    const error = await failure(sender().send({ ...alice(), chatIds: { slack: 'U0NOBODY99' } }, kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack chat.postMessage failed: channel_not_found');
  });

  it('posts into a channel and to a user id, and refuses an archived channel for good', async () => {
    const chat = provider().chat!;
    const inChannel = await chat.messenger!.post({ kind: 'chat', id: channelId }, kitDoc, { idempotencyKey: 'k1' });
    expect(inChannel).toMatchObject({ platform: 'slack', chatId: channelId });
    const direct = await chat.messenger!.post({ kind: 'user', id: 'U0BOB00002' }, kitDoc, { idempotencyKey: 'k2' });
    expect(direct.chatId).toBe('D0BOB00002');
    const room = await chat.rooms!.createRoom({ name: 'INC-9 db', memberIds: [], idempotencyKey: 'room-9' });
    await chat.rooms!.closeRoom(room.chatId, 'archive');
    const error = await failure(chat.messenger!.post({ kind: 'chat', id: room.chatId }, kitDoc, { idempotencyKey: 'k3' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack chat.postMessage failed: is_archived');
  });

  it('updates a DM card with chat.update: re-rendered blocks, and no ack button once acknowledged', async () => {
    const chat = provider().chat!;
    const ref = decodeMessageRef((await sender().send(alice(), kitDoc, { idempotencyKey: 'k' })).externalId)!;
    await chat.updater!.update(ref, { ...kitDoc, kind: 'update', status: 'acknowledged' });
    const [update] = fake.updates();
    expect(update).toMatchObject({ channel: 'D0ALICE001', ts: ref.messageId });
    expect(JSON.stringify(update!.body)).not.toContain('warroom:ack');
    expect(JSON.stringify(update!.body)).toContain('*Status:* acknowledged');
  });

  it('updating a message Slack does not know is a PermanentError (message_not_found)', async () => {
    const error = await failure(provider().chat!.updater!.update({ platform: 'slack', chatId: channelId, messageId: '1.000001' }, kitDoc));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack chat.update failed: message_not_found');
  });

  it('pins a card with pins.add (channel + timestamp), and the fake records it', async () => {
    const chat = provider().chat!;
    const ref = await chat.messenger!.post({ kind: 'chat', id: channelId }, kitDoc, { idempotencyKey: 'pin-1' });
    await chat.updater!.pin!(ref);
    expect(fake.pins()).toEqual([{ channel: channelId, ts: ref.messageId }]);
    const request = fake.requests.find((r) => r.path === '/api/pins.add');
    expect(request!.body).toMatchObject({ channel: channelId, timestamp: ref.messageId });
    expect(request!.rawBody).not.toContain(BOT_TOKEN);
  });

  it('pinning twice succeeds: already_pinned is the goal reached', async () => {
    const chat = provider().chat!;
    const ref = await chat.messenger!.post({ kind: 'chat', id: channelId }, kitDoc, { idempotencyKey: 'pin-2' });
    await chat.updater!.pin!(ref);
    await expect(chat.updater!.pin!(ref)).resolves.toBeUndefined();
    expect(fake.requests.filter((r) => r.path === '/api/pins.add').map((r) => r.refusal)).toEqual([undefined, 'already_pinned']);
    expect(fake.pins()).toHaveLength(1);
  });

  it('pinning a message Slack does not know is a PermanentError (message_not_found) without the token', async () => {
    const error = await failure(provider().chat!.updater!.pin!({ platform: 'slack', chatId: channelId, messageId: '1.000001' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack pins.add failed: message_not_found');
    expectNoSecret(error, SECRETS);
    expect(fake.pins()).toHaveLength(0);
  });

  it('a throttled pin is a RetryableError with Retry-After; a platform ratelimited answer too', async () => {
    const chat = provider().chat!;
    const ref = await chat.messenger!.post({ kind: 'chat', id: channelId }, kitDoc, { idempotencyKey: 'pin-3' });
    fake.throttleNext(4);
    const throttled = await failure(chat.updater!.pin!(ref));
    expect(throttled).toBeInstanceOf(RetryableError);
    expect((throttled as RetryableError).retryAfterMs).toBe(4000);
    fake.rejectNext('ratelimited');
    expect(await failure(chat.updater!.pin!(ref))).toBeInstanceOf(RetryableError);
    expect(fake.pins()).toHaveLength(0);
    await chat.updater!.pin!(ref);
    expect(fake.pins()).toEqual([{ channel: channelId, ts: ref.messageId }]);
  });

  it('the per-channel limit answers 429 with Retry-After 1 past a short burst, and the rate rule asks for 1 s spacing', async () => {
    const clock = new FakeClock();
    const metered = await startFakeSlack({ botToken: BOT_TOKEN, clock, postBurst: 3 });
    try {
      const chat = createSlackProvider(configFor({ api_url: metered.apiUrl })).chat!;
      const target = { kind: 'chat' as const, id: metered.seedChannel('metered') };
      expect(chat.rateRule(target)).toEqual({ key: `slack:${target.id}`, intervalMs: 1000 });
      for (let i = 0; i < 3; i += 1) await chat.messenger!.post(target, kitDoc, { idempotencyKey: `burst-${i}` });
      const error = await failure(chat.messenger!.post(target, kitDoc, { idempotencyKey: 'burst-4' }));
      expect(error).toBeInstanceOf(RetryableError);
      expect((error as RetryableError).retryAfterMs).toBe(1000);
      expect(metered.rateViolations()).toBe(1);
      // Another conversation has its own allowance; a second later this one has room for one more.
      await chat.messenger!.post({ kind: 'user', id: 'U0BOB00002' }, kitDoc, { idempotencyKey: 'other' });
      clock.advance(1000);
      await chat.messenger!.post(target, kitDoc, { idempotencyKey: 'burst-5' });
      expect(await failure(chat.messenger!.post(target, kitDoc, { idempotencyKey: 'burst-6' }))).toBeInstanceOf(RetryableError);
      expect(metered.rateViolations()).toBe(2);
      expect(metered.messages()).toHaveLength(5);
    } finally {
      await metered.close();
    }
  });

  it('a hung Slack is a RetryableError that says it timed out', async () => {
    fake.hangNext();
    const error = await failure(sender().send(alice(), kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toBe('slack chat.postMessage timed out');
  });

  it('a platform ratelimited answer is retryable; invalid_auth from a revoked token is permanent', async () => {
    fake.rejectNext('ratelimited');
    expect(await failure(sender().send(alice(), kitDoc, { idempotencyKey: 'k' }))).toBeInstanceOf(RetryableError);
    fake.rejectNext('token_revoked');
    const revoked = await failure(sender().send(alice(), kitDoc, { idempotencyKey: 'k' }));
    expect(revoked).toBeInstanceOf(PermanentError);
    expect((revoked as Error).message).toBe('slack chat.postMessage failed: token_revoked');
  });

  it('an unreachable Slack is retryable and quotes no secret', async () => {
    const error = await failure(createSlackProvider(configFor({ api_url: 'http://127.0.0.1:9/api/' })).senders[0]!.send(alice(), kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/^slack chat\.postMessage unreachable: /);
    expectNoSecret(error, SECRETS);
  });

  it('validates its config without echoing the token or the secret', () => {
    const attempt = () => createSlackProvider({ bot_token: 'xoxp-user-token-secret', signing_secret: 'short', extra: 1 } as unknown as SlackConfigInput);
    expect(attempt).toThrow(/bot_token must be a bot token/);
    try {
      attempt();
    } catch (error) {
      expect(String(error)).toMatch(/signing_secret/);
      expect(String(error)).toMatch(/extra/);
      expectNoSecret(error, ['xoxp-user-token-secret', 'short']);
    }
  });

  it('sends through an injected fetch when given one (a proxy agent, say)', async () => {
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    await createSlackProvider(configFor(), { fetch: counting }).chat!.directory!.lookupUser({ email: 'alice@example.com' });
    expect(urls).toEqual([`${fake.apiUrl}users.lookupByEmail`]);
  });

  it('declares slack info and no urgent capability or long connection', () => {
    const p = provider();
    expect(p.info()).toEqual({ id: 'slack', displayName: 'Slack', channels: ['slack'] });
    expect(p.chat!.urgent).toBeUndefined();
    expect(p.chat!.longConnection).toBeUndefined();
  });
});
