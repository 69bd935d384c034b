import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, PermanentError, RetryableError } from '../../kernel/index.js';
import { decodeMessageRef, encodeMessageRef, type MessageDoc, type Recipient } from '../api.js';
import { runChatProviderTestKit, type ChatKitFake } from '../testing/chat-provider-test-kit.js';
import { startFakeDingtalk, type FakeDingtalk } from '../testing/fake-dingtalk.js';
import { expectNoSecret, kitDoc, runProviderTestKit, type KitFake } from '../testing/provider-test-kit.js';
import { createDingtalkProvider, idempotencyMarker, renderDingtalkMessage, type DingtalkConfigInput } from './index.js';

const OPS_TOKEN = 'a3f1c9e07b5d42e8a3f1c9e07b5d42e8a3f1c9e07b5d42e8a3f1c9e07b5d42e8';
const SRE_TOKEN = '5d42e8a3f1c9e07b5d42e8a3f1c9e07b5d42e8a3f1c9e07b5d42e8a3f1c9e07b';
const STRICT_TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const SECRET = 'SEC7d1e9b3a5c0f2e4d6b8a1c3e5f7092b4d6e8f0a2c4e6b8d0f1a3c5e7f9b2d4';
const WRONG_SECRET = 'SEC0000000000000000000000000000000000000000000000000000000000000000';
const SECRETS = [OPS_TOKEN, SRE_TOKEN, STRICT_TOKEN, SECRET, WRONG_SECRET];
const ROBOT_OF: Record<string, string> = { [OPS_TOKEN]: 'ops', [SRE_TOKEN]: 'sre' };
let fake: FakeDingtalk;

beforeAll(async () => {
  fake = await startFakeDingtalk({
    robots: { [OPS_TOKEN]: { secret: SECRET, keyword: '告警' }, [SRE_TOKEN]: {}, [STRICT_TOKEN]: { keyword: 'warroom-alert' } },
  });
});
afterAll(async () => {
  await fake.close();
});

const config = (overrides: Partial<DingtalkConfigInput> = {}): DingtalkConfigInput => ({
  robots: {
    ops: { webhook_url: fake.webhookUrl(OPS_TOKEN), secret: SECRET, keyword: '告警' },
    sre: { webhook_url: fake.webhookUrl(SRE_TOKEN) },
  },
  timeout_ms: 300,
  ...overrides,
});
const withOpsSecret = (secret: string) => config({ robots: { ...config().robots, ops: { webhook_url: fake.webhookUrl(OPS_TOKEN), secret, keyword: '告警' } } });

// A person known only by phone, so the kit's "no address" case (phone removed) has nothing to @.
const carol: Recipient = { userId: 'u-carol', name: 'Carol', email: null, phone: '+86 138 0000 0001', webhookUrl: null, timezone: 'Asia/Shanghai', chatIds: {} };
const markerOf = (text: string) => /ref ([0-9a-f]{8})/.exec(text)?.[1];

const kitFake = (): KitFake => ({
  // DingTalk's throttle answer is errcode 130101 with no retry hint of its own.
  retryAfterSupported: false,
  deliveries: () =>
    fake.messages().map((m) => ({
      externalId: m.messageId && encodeMessageRef({ platform: 'dingtalk', chatId: ROBOT_OF[m.accessToken]!, messageId: m.messageId }),
      idempotencyMarker: markerOf(m.text),
    })),
  throttleNext: () => fake.throttleNext(),
  serverErrorNext: () => fake.serverErrorNext(),
  rejectNext: () => fake.rejectNext(),
  hangNext: () => fake.hangNext(),
  reset: () => fake.reset(),
});

const chatKitFake = (): ChatKitFake => ({
  retryAfterSupported: false,
  posts: () => fake.messages().map((m) => ({ messageId: m.messageId ?? '', chatId: ROBOT_OF[m.accessToken]! })),
  updates: () => [],
  throttleNext: () => fake.throttleNext(),
  serverErrorNext: () => fake.serverErrorNext(),
  rejectNext: () => fake.rejectNext(),
  hangNext: () => fake.hangNext(),
  reset: () => fake.reset(),
});

runProviderTestKit({
  name: 'dingtalk',
  channel: 'dingtalk',
  makeProvider: ({ credentials }) => createDingtalkProvider(credentials === 'valid' ? config() : withOpsSecret(WRONG_SECRET)),
  fake: kitFake,
  recipient: carol,
  secrets: SECRETS,
});

runChatProviderTestKit({
  name: 'dingtalk',
  platform: 'dingtalk',
  makeProvider: ({ credentials }) => createDingtalkProvider(credentials === 'valid' ? config() : withOpsSecret(WRONG_SECRET)),
  fake: chatKitFake,
  target: { kind: 'chat', id: 'ops' },
  secrets: SECRETS,
  render: (doc) => renderDingtalkMessage(doc),
  canUpdate: false,
});

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
const doc: MessageDoc = { ...kitDoc, actions: [{ id: 'view', label: 'Open', url: 'https://warroom.example/incidents/7' }] };

describe('dingtalk provider', () => {
  beforeEach(() => fake.reset());

  it('declares only a messenger and a per-robot rate rule; no edits, rooms, buzz or directory', () => {
    const provider = createDingtalkProvider(config());
    expect(provider.info()).toEqual({ id: 'dingtalk', displayName: 'DingTalk', channels: ['dingtalk'] });
    const chat = provider.chat!;
    expect(Object.keys(chat).sort()).toEqual(['messenger', 'pageRateRule', 'platform', 'rateRule', 'repliesInline']);
    expect(chat.rateRule({ kind: 'chat', id: 'sre' })).toEqual({ key: 'dingtalk:sre', intervalMs: 3000 });
    expect(chat.rateRule({ kind: 'user', id: 'ding-alice' })).toEqual({ key: 'dingtalk:ops', intervalMs: 3000 });
  });

  it('paces pages against the default robot, whatever ids the recipient has', () => {
    const chat = createDingtalkProvider(config({ default_robot: 'sre' })).chat!;
    const robotRule = chat.rateRule({ kind: 'chat', id: 'sre' });
    expect(robotRule).toEqual({ key: 'dingtalk:sre', intervalMs: 3000 });
    for (const chatIds of [{}, { dingtalk: 'ding-alice' }, { dingtalk: 'ops' }, { feishu: 'ou_x' }] as Record<string, string>[]) {
      expect(chat.pageRateRule?.({ ...carol, chatIds })).toEqual(robotRule);
    }
    expect(createDingtalkProvider(config()).chat!.pageRateRule?.(carol)?.key).toBe('dingtalk:ops');
  });

  it('declares that inbound commands are answered inline, so no reply is queued', () => {
    expect(createDingtalkProvider(config()).chat!.repliesInline).toBe(true);
    expect(createDingtalkProvider(config({ app: { client_id: 'dingapp', client_secret: 'app-secret' } })).chat!.repliesInline).toBe(true);
  });

  it('adds the HTTP callback verifier and the stream connection only when an app is configured', () => {
    const chat = createDingtalkProvider(config({ app: { client_id: 'dingapp', client_secret: 'app-secret' } })).chat!;
    expect(chat.inbound).toBeDefined();
    expect(chat.longConnection).toBeDefined();
  });

  it('pages a person in the default robot group with an @ of their DingTalk id, signed with the clock', async () => {
    const clock = new FakeClock(new Date());
    const alice: Recipient = { ...carol, userId: 'u-alice', chatIds: { dingtalk: 'ding-alice' } };
    const { externalId } = await createDingtalkProvider(config(), { clock }).senders[0]!.send(alice, kitDoc, { idempotencyKey: 'notify:7:u-alice' });
    const ref = decodeMessageRef(externalId);
    expect(ref).toEqual({ platform: 'dingtalk', chatId: 'ops', messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [message] = fake.messages(OPS_TOKEN);
    expect(message?.messageId).toBe(ref?.messageId);
    expect(message?.body).toMatchObject({ msgtype: 'markdown', at: { atUserIds: ['ding-alice'], atMobiles: [], isAtAll: false } });
    // Alice's id wins over her phone, so she is @-ed once; the keyword and the marker are in the text.
    expect(message?.text).toContain('@ding-alice');
    expect(message?.text).not.toContain('13800000001');
    expect(message?.text).toContain('告警');
    expect(message?.text).toContain(`ref ${idempotencyMarker('notify:7:u-alice')}`);
    expect(fake.requests[0]?.query.timestamp).toBe(String(clock.now().getTime()));
  });

  it('@s a person without a DingTalk id by mobile number, with the @mobile token in the text', async () => {
    await createDingtalkProvider(config()).senders[0]!.send(carol, kitDoc, { idempotencyKey: 'k' });
    const [message] = fake.messages();
    expect(message?.body).toMatchObject({ msgtype: 'markdown', at: { atUserIds: [], atMobiles: ['13800000001'] } });
    expect(message?.text).toContain('@13800000001');
  });

  it('posts to a named robot as an actionCard, and to a user via the default robot with an @', async () => {
    const messenger = createDingtalkProvider(config()).chat!.messenger!;
    const ref = await messenger.post({ kind: 'chat', id: 'sre' }, doc, { idempotencyKey: 'k1' });
    expect(ref.chatId).toBe('sre');
    expect(fake.messages(SRE_TOKEN)[0]?.body).toMatchObject({ msgtype: 'actionCard', actionCard: { btns: [{ title: 'Open', actionURL: 'https://warroom.example/incidents/7' }] } });
    const toUser = await messenger.post({ kind: 'user', id: 'ding-bob' }, doc, { idempotencyKey: 'k2' });
    expect(toUser.chatId).toBe('ops');
    expect(fake.messages(OPS_TOKEN)[0]?.text).toContain('@ding-bob');
  });

  it('refuses an unknown robot as a PermanentError without calling DingTalk', async () => {
    const error = await failure(createDingtalkProvider(config()).chat!.messenger!.post({ kind: 'chat', id: 'constructor' }, doc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('unknown dingtalk robot "constructor"');
    expect(fake.requests).toHaveLength(0);
  });

  it('going over 20 a minute is a RetryableError with a 10 minute hint, and the robot stays muted', async () => {
    const messenger = createDingtalkProvider(config()).chat!.messenger!;
    for (let i = 0; i < 20; i += 1) await messenger.post({ kind: 'chat', id: 'sre' }, doc, { idempotencyKey: `k${i}` });
    const error = await failure(messenger.post({ kind: 'chat', id: 'sre' }, doc, { idempotencyKey: 'k20' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(600_000);
    expect((error as Error).message).toContain('errcode 130101');
    expect(fake.rateViolations()).toBe(1);
    // Other robots are unaffected.
    await expect(messenger.post({ kind: 'chat', id: 'ops' }, doc, { idempotencyKey: 'k21' })).resolves.toMatchObject({ chatId: 'ops' });
  });

  it('an injected throttle answer also carries the 10 minute hint', async () => {
    fake.throttleNext();
    const error = await failure(createDingtalkProvider(config()).senders[0]!.send(carol, kitDoc, { idempotencyKey: 'k' }));
    expect((error as RetryableError).retryAfterMs).toBe(600_000);
  });

  it.each([
    ['a clock two hours off', () => createDingtalkProvider(config(), { clock: new FakeClock(new Date(Date.now() + 7_200_000)) }), 'invalid timestamp'],
    ['a wrong secret', () => createDingtalkProvider(withOpsSecret(WRONG_SECRET)), 'sign not match'],
    // Without a secret warroom sends no timestamp at all.
    ['a missing secret', () => createDingtalkProvider(config({ robots: { ops: { webhook_url: fake.webhookUrl(OPS_TOKEN), keyword: '告警' } } })), 'invalid timestamp'],
  ])('%s is a PermanentError naming the reason, the robot and the host only', async (_case, make, reason) => {
    const error = await failure(make().senders[0]!.send(carol, kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain(`errcode 310000: ${reason}`);
    expect((error as Error).message).toContain(`dingtalk robot "ops" (${new URL(fake.url).host})`);
    expectNoSecret(error, SECRETS);
  });

  it('a keyword the robot requires but warroom was not told about is refused as a PermanentError', async () => {
    const provider = createDingtalkProvider(config({ robots: { strict: { webhook_url: fake.webhookUrl(STRICT_TOKEN) } } }));
    const error = await failure(provider.chat!.messenger!.post({ kind: 'chat', id: 'strict' }, doc, { idempotencyKey: 'k' }));
    expect((error as Error).message).toContain('keywords not in content');
    const told = createDingtalkProvider(config({ robots: { strict: { webhook_url: fake.webhookUrl(STRICT_TOKEN), keyword: 'warroom-alert' } } }));
    await told.chat!.messenger!.post({ kind: 'chat', id: 'strict' }, doc, { idempotencyKey: 'k' });
    expect(fake.messages(STRICT_TOKEN)[0]?.text).toContain('warroom-alert');
  });

  it('an unknown access token is a PermanentError that does not quote it', async () => {
    const bogus = 'feedbeef'.repeat(8);
    const error = await failure(createDingtalkProvider(config({ robots: { x: { webhook_url: fake.webhookUrl(bogus) } } })).senders[0]!.send(carol, kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('errcode 300001');
    expectNoSecret(error, [bogus]);
  });

  it('an unreachable robot is retryable and names the host, not the token', async () => {
    const provider = createDingtalkProvider(config({ robots: { ops: { webhook_url: `http://127.0.0.1:9/robot/send?access_token=${OPS_TOKEN}`, secret: SECRET } } }));
    const error = await failure(provider.senders[0]!.send(carol, kitDoc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('dingtalk robot "ops" (127.0.0.1:9) unreachable');
    expectNoSecret(error, SECRETS);
  });
});

describe('dingtalk config', () => {
  const robots = { ops: { webhook_url: `https://oapi.dingtalk.com/robot/send?access_token=${OPS_TOKEN}`, secret: SECRET } };
  const parseError = (input: unknown): Error => {
    try {
      createDingtalkProvider(input as DingtalkConfigInput);
    } catch (error) {
      expectNoSecret(error, SECRETS);
      return error as Error;
    }
    throw new Error('config was accepted');
  };

  it('defaults default_robot to the first robot and the timeout to 10 s', async () => {
    const provider = createDingtalkProvider({ robots: { ...robots, sre: { webhook_url: `https://oapi.dingtalk.com/robot/send?access_token=${SRE_TOKEN}` } } });
    expect(provider.chat!.rateRule({ kind: 'user', id: 'x' }).key).toBe('dingtalk:ops');
  });

  it.each([
    ['no robots', { robots: {} }, 'at least one robot'],
    ['an unknown default_robot', { robots, default_robot: 'sre' }, "default_robot 'sre' is not one of robots"],
    ['a URL without access_token', { robots: { ops: { webhook_url: 'https://oapi.dingtalk.com/robot/send' } } }, 'must contain access_token'],
    ['plain http to a remote host', { robots: { ops: { ...robots.ops, webhook_url: robots.ops.webhook_url.replace('https:', 'http:') } } }, 'must use https'],
    ['a secret that is not a SEC secret', { robots: { ops: { ...robots.ops, secret: OPS_TOKEN } } }, 'starting with SEC'],
    ['a robot name with a colon', { robots: { 'a:b': robots.ops } }, 'no colons'],
    ['an unknown key', { robots, retries: 3 }, 'retries'],
  ])('refuses %s without echoing secrets', (_case, input, message) => {
    expect(parseError(input).message).toContain(message);
  });
});
