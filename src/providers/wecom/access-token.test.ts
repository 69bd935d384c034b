import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, PermanentError, RetryableError } from '../../kernel/index.js';
import { startFakeWecom, type FakeWecom } from '../testing/fake-wecom.js';
import { expectNoSecret } from '../testing/provider-test-kit.js';
import { createAccessTokenSource, TOKEN_REFRESH_MARGIN_MS } from './access-token.js';
import { createWecomAppClient } from './app-client.js';
import { wecomConfigSchema } from './config.js';

const CORP_ID = 'ww6a112864f8022910';
const CORP_SECRET = 'corp-secret-8c1f0e7d2b';
const SEND = '/cgi-bin/message/send';
let wecom: FakeWecom;

beforeAll(async () => {
  wecom = await startFakeWecom({ app: { corpId: CORP_ID, corpSecret: CORP_SECRET, agentId: 1000002 }, users: { alice: {} } });
});
afterAll(async () => {
  await wecom.close();
});
beforeEach(() => wecom.reset());

const gettokens = () => wecom.requests.filter((r) => r.path === '/cgi-bin/gettoken');
const source = (clock = new FakeClock(), corpSecret = CORP_SECRET) =>
  createAccessTokenSource({ baseUrl: wecom.url, corpId: CORP_ID, corpSecret, timeoutMs: 500, clock });
const client = (clock = new FakeClock()) =>
  createWecomAppClient(
    wecomConfigSchema.parse({
      app: { corp_id: CORP_ID, corp_secret: CORP_SECRET, agent_id: 1000002, token: 'tok', encoding_aes_key: 'a'.repeat(43), base_url: wecom.url },
    }).app!,
    { timeoutMs: 500, clock },
  );
const markdown = { msgtype: 'markdown' as const, markdown: { content: 'hello' } };

describe('wecom access token', () => {
  it('fetches with corpid and corpsecret, then serves the cached token', async () => {
    const tokens = source();
    const first = await tokens.get();
    expect(await tokens.get()).toBe(first);
    expect(gettokens()).toHaveLength(1);
    expect(gettokens()[0]!.query).toEqual({ corpid: CORP_ID, corpsecret: CORP_SECRET });
    expect(wecom.issuedTokens()).toEqual([first]);
  });

  it('refreshes 5 minutes before expires_in runs out, not earlier', async () => {
    const clock = new FakeClock();
    const tokens = source(clock);
    const first = await tokens.get();
    clock.advance(7_200_000 - TOKEN_REFRESH_MARGIN_MS - 1);
    expect(await tokens.get()).toBe(first);
    clock.advance(1);
    expect(await tokens.get()).not.toBe(first);
    expect(gettokens()).toHaveLength(2);
  });

  it('shares one in-flight fetch between concurrent callers', async () => {
    const tokens = source();
    const all = await Promise.all(Array.from({ length: 12 }, () => tokens.get()));
    expect(new Set(all).size).toBe(1);
    expect(gettokens()).toHaveLength(1);
  });

  it('a failed fetch is retryable and not cached', async () => {
    const tokens = source();
    wecom.serverErrorNext({ path: '/cgi-bin/gettoken' });
    expect(await tokens.get().catch((e: unknown) => e)).toBeInstanceOf(RetryableError);
    expect(await tokens.get()).toMatch(/^fake-wecom-token-/);
    expect(gettokens()).toHaveLength(2);
  });

  it('a wrong secret is a PermanentError (40001) that does not quote it', async () => {
    const error = await source(new FakeClock(), 'wrong-secret-123456').get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe(`wecom ${new URL(wecom.url).host}/cgi-bin/gettoken refused (errcode 40001: invalid secret)`);
    expectNoSecret(error, ['wrong-secret-123456', CORP_SECRET]);
  });

  it('invalidate drops only the token it names', async () => {
    const tokens = source();
    const first = await tokens.get();
    tokens.invalidate('some-older-token');
    expect(await tokens.get()).toBe(first);
    tokens.invalidate(first);
    expect(await tokens.get()).not.toBe(first);
  });
});

describe('wecom app client token handling', () => {
  it('on 42001 (expired) fetches a new token and retries the call once', async () => {
    const app = client();
    await app.sendMessage(['alice'], markdown);
    wecom.expireTokens();
    await app.sendMessage(['alice'], markdown);
    expect(wecom.requests.map((r) => `${r.path} ${r.refusal ?? 'ok'}`)).toEqual([
      '/cgi-bin/gettoken ok',
      `${SEND} ok`,
      `${SEND} 42001 access_token expired`,
      '/cgi-bin/gettoken ok',
      `${SEND} ok`,
    ]);
    expect(wecom.appMessages()).toHaveLength(2);
  });

  it('a token refused twice is a PermanentError, with no third attempt', async () => {
    const app = client();
    wecom.errcodeNext(40014, 'invalid access_token', { path: SEND });
    wecom.errcodeNext(40014, 'invalid access_token', { path: SEND });
    const error = await app.sendMessage(['alice'], markdown).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('errcode 40014');
    expect(wecom.requests.filter((r) => r.path === SEND)).toHaveLength(2);
    expect(gettokens()).toHaveLength(2);
    expectNoSecret(error, [...wecom.issuedTokens(), CORP_SECRET]);
  });

  it('concurrent calls after expiry share one refresh', async () => {
    const app = client();
    await app.sendMessage(['alice'], markdown);
    wecom.expireTokens();
    await Promise.all(Array.from({ length: 5 }, () => app.sendMessage(['alice'], markdown)));
    expect(gettokens()).toHaveLength(2);
    expect(wecom.appMessages()).toHaveLength(6);
  });
});
