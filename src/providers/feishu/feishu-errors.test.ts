import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, type Logger } from '../../kernel/index.js';
import { startFakeFeishu, type FakeFeishu } from '../testing/fake-feishu.js';
import { expectNoSecret } from '../testing/provider-test-kit.js';
import { businessError, classifyFeishuFailure, scrub } from './errors.js';
import { createFeishuProvider } from './index.js';

const SECRET = 'errors-app-secret-77f1';
const TENANT_TOKEN = 't-g1044qeGEDXTB6NDJOGV4JQCYDGHRBARFTGT1234';
const now = new Date('2026-01-05T09:00:00Z');

/** The parts of an AxiosError the classifier may read, plus the parts it must never leak. */
function axiosError(status: number | undefined, data: unknown, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return {
    isAxiosError: true,
    name: 'AxiosError',
    message: status ? `Request failed with status code ${status}` : 'connect ECONNREFUSED',
    config: { url: 'https://open.feishu.cn/open-apis/im/v1/messages', headers: { Authorization: `Bearer ${TENANT_TOKEN}` }, data: JSON.stringify({ app_secret: SECRET }) },
    ...(status ? { response: { status, headers, data } } : {}),
    ...extra,
  };
}
const classify = (error: unknown) => classifyFeishuFailure('im.message.create', error, now, [SECRET]);

describe('classifyFeishuFailure', () => {
  it.each([
    ['429 with x-ogw-ratelimit-reset', axiosError(429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '12' }), RetryableError, 12_000],
    ['429 with only Retry-After', axiosError(429, {}, { 'retry-after': '4' }), RetryableError, 4_000],
    ['400 carrying 99991400 (older APIs)', axiosError(400, { code: 99991400, msg: 'limit' }), RetryableError, undefined],
    ['232019 concurrent member calls', axiosError(400, { code: 232019, msg: 'not processed in order' }), RetryableError, undefined],
    ['230047 pins on one message over 5 QPS', axiosError(400, { code: 230047, msg: 'Pin/Unpin message trigger message_id limit.' }), RetryableError, undefined],
    ['502', axiosError(502, 'Bad Gateway'), RetryableError, undefined],
    ['connection refused', axiosError(undefined, undefined, {}, { code: 'ECONNREFUSED' }), RetryableError, undefined],
    ['axios timeout', axiosError(undefined, undefined, {}, { code: 'ECONNABORTED' }), RetryableError, undefined],
    ['400 business error', axiosError(400, { code: 230001, msg: 'invalid receive_id' }), PermanentError, undefined],
    ['403 no permission', axiosError(403, { code: 99991672, msg: 'Access denied' }), PermanentError, undefined],
    ['SDK token error', new Error('failed to get tenant_access_token, code: 10014, msg: app secret invalid'), PermanentError, undefined],
  ])('%s', (_label, error, type, retryAfterMs) => {
    const classified = classify(error);
    expect(classified).toBeInstanceOf(type);
    if (classified instanceof RetryableError) expect(classified.retryAfterMs).toBe(retryAfterMs);
    expectNoSecret(classified, [SECRET, TENANT_TOKEN]);
    expect(classified.cause).toBeUndefined();
  });

  it('names the API, the HTTP status and the Feishu code and msg', () => {
    expect(classify(axiosError(400, { code: 230001, msg: 'invalid receive_id' })).message).toBe('feishu im.message.create refused (HTTP 400, code 230001): invalid receive_id');
    expect(classify(new Error('failed to get tenant_access_token, code: 10014, msg: app secret invalid')).message).toMatch(/^feishu tenant token refused \(code 10014\).*app_secret/);
  });

  it('a refused token request is about the token, not the API that wanted it', () => {
    const tokenCall = axiosError(400, { code: 10003, msg: 'invalid param' });
    tokenCall.config.url = 'https://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal';
    expect(classify(tokenCall).message).toMatch(/^feishu tenant token refused/);
  });

  it('business errors answered with HTTP 200 classify by code', () => {
    expect(businessError('im.chatMembers.create', 232019, 'retry', now, [])).toBeInstanceOf(RetryableError);
    expect(businessError('im.chat.delete', 232017, 'not owner', now, [])).toBeInstanceOf(PermanentError);
  });

  it('scrubs secrets and tenant-token lookalikes from Feishu msgs', () => {
    expect(scrub(`bad ${SECRET} with ${TENANT_TOKEN}`, [SECRET])).toBe('bad [redacted] with [redacted]');
  });
});

describe('stale tenant tokens', () => {
  let fake: FakeFeishu;
  beforeAll(async () => {
    fake = await startFakeFeishu({ appId: 'cli_stale0000001', appSecret: SECRET });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('a token Feishu stopped accepting is dropped: the call is retryable and the retry gets a new token', async () => {
    const { messenger } = createFeishuProvider({ app_id: 'cli_stale0000001', app_secret: SECRET, domain: fake.url, timeout_ms: 500 }).chat!;
    const target = { kind: 'user' as const, id: 'ou_bob' };
    const doc = { kind: 'update' as const, title: 't', severity: 'P3' as const, fields: [], links: [], actions: [], mentions: [] };
    await messenger!.post(target, doc, { idempotencyKey: 'a' });
    fake.revokeTokens();
    const error = await messenger!.post(target, doc, { idempotencyKey: 'b' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/99991663/);
    await messenger!.post(target, doc, { idempotencyKey: 'b' });
    expect(fake.sends()).toHaveLength(2);
    expect(fake.requests.filter((r) => r.path.endsWith('/tenant_access_token/internal'))).toHaveLength(2);
  });
});

describe('what the SDK logs', () => {
  it('reaches our logger as messages and codes only, never the axios config with the app secret', async () => {
    const lines: string[] = [];
    const capture = { warn: (obj: unknown, msg?: string) => lines.push(JSON.stringify(obj) + String(msg ?? '')) } as unknown as Logger;
    const dead = await startFakeFeishu();
    const url = dead.url;
    await dead.close();
    const { messenger } = createFeishuProvider({ app_id: 'cli_logs', app_secret: SECRET, domain: url, timeout_ms: 300 }, { logger: capture }).chat!;
    const doc = { kind: 'update' as const, title: 't', severity: 'P3' as const, fields: [], links: [], actions: [], mentions: [] };
    const error = await messenger!.post({ kind: 'user', id: 'ou_x' }, doc, { idempotencyKey: 'k' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(SECRET);
  });
});
