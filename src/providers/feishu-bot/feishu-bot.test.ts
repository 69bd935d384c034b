import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, PermanentError, RetryableError } from '../../kernel/index.js';
import type { MessageDoc } from '../api.js';
import { startFakeFeishu, type FakeFeishu } from '../testing/fake-feishu.js';
import { expectNoSecret } from '../testing/provider-test-kit.js';
import { BOT_BODY_MAX_BYTES, createFeishuBotProvider, feishuBotConfigSchema, signFeishuBot, type FeishuBotConfigInput } from './index.js';

const TOKEN = 'bot-hook-token-77aa';
const KEYWORD_TOKEN = 'bot-hook-token-kw';
const OPEN_TOKEN = 'bot-hook-token-open';
const SECRET = 'bot-secret-9d3f';
let fake: FakeFeishu;

beforeAll(async () => {
  fake = await startFakeFeishu({
    robots: { [TOKEN]: { secret: SECRET }, [KEYWORD_TOKEN]: { keyword: '告警' }, [OPEN_TOKEN]: {} },
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const hook = (token: string) => `${fake.url}/open-apis/bot/v2/hook/${token}`;
const config = (overrides: Partial<FeishuBotConfigInput['robots'][string]> = {}): FeishuBotConfigInput => ({
  robots: {
    ops: { webhook_url: hook(TOKEN), secret: SECRET, ...overrides },
    alerts: { webhook_url: hook(KEYWORD_TOKEN), keyword: '告警' },
    open: { webhook_url: hook(OPEN_TOKEN) },
  },
  timeout_ms: 500,
});
const messenger = (overrides = {}, clock?: FakeClock) => createFeishuBotProvider(config(overrides), clock ? { clock } : {}).chat!.messenger!;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

const doc: MessageDoc = {
  kind: 'page',
  title: 'Disk full on db-3',
  severity: 'P1',
  incidentRef: 'INC-21',
  incidentUrl: 'https://warroom.example/incidents/21',
  summary: '/var at 99%',
  fields: [{ label: 'Host', value: 'db-3' }],
  links: [],
  actions: [
    { id: 'ack', label: 'Acknowledge' },
    { id: 'resolve', label: 'Resolve' },
  ],
  mentions: [{ kind: 'user', userId: 'u-a', name: 'Alice', chatIds: { feishu: 'ou_alice' }, phone: null }],
};

describe('feishu custom bot', () => {
  it('signs as documented (test vector: secret demo, ts 1599360473)', () => {
    expect(signFeishuBot(1599360473, 'demo')).toBe('l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=');
  });

  it('declares a send-only chat provider with a per-robot rate rule', () => {
    const provider = createFeishuBotProvider(config());
    expect(provider.info()).toEqual({ id: 'feishu_bot', displayName: 'Feishu custom bot', channels: [] });
    expect(provider.senders).toEqual([]);
    expect(provider.chat).toMatchObject({ platform: 'feishu' });
    expect(provider.chat!.updater ?? provider.chat!.rooms ?? provider.chat!.inbound).toBeUndefined();
    expect(provider.chat!.rateRule({ kind: 'chat', id: 'ops' })).toEqual({ key: 'feishu_bot:ops', intervalMs: 600 });
  });

  it('posts a signed interactive card under `card`, with link buttons only', async () => {
    const clock = new FakeClock(new Date());
    const ref = await messenger({}, clock).post({ kind: 'chat', id: 'ops' }, doc, { idempotencyKey: 'k' });
    const [message] = fake.botMessages();
    expect(ref).toEqual({ platform: 'feishu', chatId: 'ops', messageId: message!.messageId });
    const ts = Math.floor(clock.now().getTime() / 1000);
    const body = message!.body as Record<string, unknown>;
    expect(body).toMatchObject({ msg_type: 'interactive', timestamp: String(ts), sign: signFeishuBot(ts, SECRET) });
    expect(body.content).toBeUndefined();
    const card = body.card as { header: { template: string }; elements: { tag: string; actions?: Record<string, unknown>[] }[] };
    expect(card.header.template).toBe('orange');
    const buttons = card.elements.find((e) => e.tag === 'action')!.actions!;
    expect(buttons).toEqual([{ tag: 'button', type: 'danger', text: { tag: 'plain_text', content: 'Acknowledge' }, url: 'https://warroom.example/incidents/21' }]);
    expect(JSON.stringify(card)).toContain('<at id=ou_alice></at>');
  });

  it('sends digests as post content, unsigned when the robot has no secret', async () => {
    await messenger().post({ kind: 'chat', id: 'open' }, { ...doc, kind: 'digest', actions: [] }, { idempotencyKey: 'k' });
    const body = fake.botMessages()[0]!.body as Record<string, unknown>;
    expect(body.msg_type).toBe('post');
    expect(body.sign).toBeUndefined();
    expect((body.content as { post: { zh_cn: { title: string } } }).post.zh_cn.title).toBe('⚠️ [P1] INC-21 Disk full on db-3');
  });

  it('adds the robot keyword when the message lacks it, so Feishu does not refuse it (19024)', async () => {
    await messenger().post({ kind: 'chat', id: 'alerts' }, doc, { idempotencyKey: 'k' });
    expect(fake.botMessages()).toHaveLength(1);
    expect(JSON.stringify(fake.botMessages()[0]!.body)).toContain('告警');
  });

  it('11232 (rate limited) is retryable after a minute', async () => {
    fake.throttleNext();
    const error = await failure(messenger().post({ kind: 'chat', id: 'ops' }, doc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(60_000);
    expect((error as Error).message).toMatch(/11232/);
  });

  it('the fake enforces 5 a second per bot, and the provider reports it as retryable', async () => {
    const m = messenger();
    const results = await Promise.all(Array.from({ length: 6 }, () => failure(m.post({ kind: 'chat', id: 'open' }, doc, { idempotencyKey: 'k' }))));
    expect(results.filter((r) => r instanceof RetryableError)).toHaveLength(1);
    expect(fake.rateViolations()).toHaveLength(1);
  });

  it('a wrong secret (19021) is permanent and quotes neither the secret nor the webhook token', async () => {
    const error = await failure(messenger({ secret: 'not-the-secret' }).post({ kind: 'chat', id: 'ops' }, doc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/19021/);
    expectNoSecret(error, ['not-the-secret', SECRET, TOKEN]);
  });

  it('a clock more than an hour off is refused by Feishu (19021)', async () => {
    const skewed = new FakeClock(new Date(Date.now() - 2 * 3600_000));
    expect(await failure(messenger({}, skewed).post({ kind: 'chat', id: 'ops' }, doc, { idempotencyKey: 'k' }))).toBeInstanceOf(PermanentError);
  });

  it('an unknown robot is permanent and nothing is sent', async () => {
    const error = await failure(messenger().post({ kind: 'chat', id: 'toString' }, doc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(fake.requests).toHaveLength(0);
  });

  it('an unreachable webhook is retryable and does not name the URL', async () => {
    const error = await failure(messenger({ webhook_url: 'http://127.0.0.1:9/open-apis/bot/v2/hook/secret-path' }).post({ kind: 'chat', id: 'ops' }, doc, { idempotencyKey: 'k' }));
    expect(error).toBeInstanceOf(RetryableError);
    expectNoSecret(error, ['secret-path']);
  });

  it('keeps huge docs under the 20 KB body limit', async () => {
    const huge: MessageDoc = { ...doc, summary: '磁盘'.repeat(20_000), fields: Array.from({ length: 100 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(500) })) };
    await messenger().post({ kind: 'chat', id: 'ops' }, huge, { idempotencyKey: 'k' });
    const [request] = fake.requests;
    expect(Buffer.byteLength(request!.rawBody)).toBeLessThanOrEqual(BOT_BODY_MAX_BYTES);
    expect(fake.botMessages()).toHaveLength(1);
  });

  it('config: robot names must survive MessageRef encoding; unknown keys are refused', () => {
    expect(feishuBotConfigSchema.safeParse({ robots: { 'a:b': { webhook_url: 'https://x.example/h' } } }).success).toBe(false);
    expect(feishuBotConfigSchema.safeParse({ robots: { ok: { webhook_url: 'https://x.example/h', extra: 1 } } }).success).toBe(false);
    expect(feishuBotConfigSchema.parse({ robots: { ok: { webhook_url: 'https://x.example/h' } } }).timeout_ms).toBe(10_000);
  });
});
