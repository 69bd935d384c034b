import { PermanentError, type Clock } from '../../kernel/index.js';
import { apiName, expectOk, requestWecomJson } from './errors.js';

/** Refresh this long before WeCom's own expiry, so a token never dies mid-request. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** gettoken's documented lifetime, used when the answer omits expires_in. */
const DEFAULT_EXPIRES_IN_SEC = 7200;

export interface AccessTokenSource {
  /** A valid token: the cached one, or one fetched now (one fetch at a time, shared by all callers). */
  get(): Promise<string>;
  /** Drops `token` if it is still the cached one, so the next get() fetches a fresh token. */
  invalidate(token: string): void;
}

export interface AccessTokenOptions {
  baseUrl: string;
  corpId: string;
  corpSecret: string;
  timeoutMs: number;
  clock: Clock;
}

/**
 * The app's access_token (GET /cgi-bin/gettoken?corpid=&corpsecret= → {errcode, access_token,
 * expires_in}), cached per provider instance. WeCom limits gettoken calls, so concurrent callers
 * share one in-flight fetch instead of each asking for a token.
 */
export function createAccessTokenSource(options: AccessTokenOptions): AccessTokenSource {
  let cached: { token: string; refreshAt: number } | null = null;
  let inflight: Promise<string> | null = null;

  const fetchToken = async (): Promise<string> => {
    const url = new URL(`${options.baseUrl}/cgi-bin/gettoken`);
    url.searchParams.set('corpid', options.corpId);
    url.searchParams.set('corpsecret', options.corpSecret);
    const reply = await requestWecomJson(url, { method: 'GET' }, options.timeoutMs);
    // 40001 (bad secret) and 40013 (bad corp id) land here as PermanentErrors.
    expectOk(apiName(url), reply, [options.corpSecret]);
    const token = reply.access_token;
    if (typeof token !== 'string' || token === '') throw new PermanentError(`wecom ${apiName(url)} answered without an access_token`);
    const expiresInSec = typeof reply.expires_in === 'number' && reply.expires_in > 0 ? reply.expires_in : DEFAULT_EXPIRES_IN_SEC;
    cached = { token, refreshAt: options.clock.now().getTime() + expiresInSec * 1000 - TOKEN_REFRESH_MARGIN_MS };
    return token;
  };

  return {
    get() {
      if (cached && options.clock.now().getTime() < cached.refreshAt) return Promise.resolve(cached.token);
      inflight ??= fetchToken().finally(() => {
        inflight = null;
      });
      return inflight;
    },
    invalidate(token) {
      // Another caller may already hold a fresh token; only the stale one is dropped.
      if (cached?.token === token) cached = null;
    },
  };
}
