import { PermanentError, RetryableError, networkErrorCode } from '../../kernel/index.js';

/**
 * WeCom answers business errors with HTTP 200 and a non-zero `errcode` (global codes: document
 * path 90313). This file turns those answers, HTTP failures and network trouble into warroom's
 * Retryable/Permanent errors. Every message names only the host and API path: robot URLs carry the
 * key and app URLs the access_token, so query strings never reach an error.
 */

export interface WecomReply {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

/** "api freq out of limit" (45009) and "too many concurrent calls" (45033): back off, then retry. */
export const RATE_LIMIT_ERRCODES: ReadonlySet<number> = new Set([45009, 45033]);
/** The token is invalid (40014), expired (42001) or, as some deployments answer, 40001: fetch a new one once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
/** 指定的用户不存在 / UserID不存在: a directory miss, not a failure. */
export const USER_NOT_FOUND_ERRCODES: ReadonlySet<number> = new Set([46004, 60111]);
/** 会话ID已经存在: a retried appchat/create whose first attempt went through. */
export const CHATID_EXISTS_ERRCODE = 86215;
/** WeCom throttles per minute, so a minute is the honest hint. */
export const RATE_LIMIT_RETRY_MS = 60_000;

const LABELS: Record<number, string> = {
  40001: 'invalid secret',
  40013: 'invalid corp id',
  40014: 'invalid access_token',
  40056: 'invalid agentid',
  42001: 'access_token expired',
  60011: 'no privilege (app visibility must be the root department)',
  81013: 'no valid recipient',
  86215: 'chatid already exists',
  86216: 'invalid chat member',
  93000: 'invalid robot webhook key or robot removed from the group',
  93004: 'robot disabled',
};

/** `api` is "host/path"; `secrets` are scrubbed in case WeCom ever echoes one in errmsg. */
export function errorForErrcode(api: string, errcode: number, errmsg: string | undefined, secrets: string[] = []): RetryableError | PermanentError {
  if (RATE_LIMIT_ERRCODES.has(errcode)) return new RetryableError(`wecom ${api} rate limited (errcode ${errcode})`, RATE_LIMIT_RETRY_MS);
  if (errcode === -1) return new RetryableError(`wecom ${api} busy (errcode -1)`);
  const detail = LABELS[errcode] ?? shortErrmsg(errmsg, secrets);
  return new PermanentError(`wecom ${api} refused (errcode ${errcode}${detail ? `: ${detail}` : ''})`);
}

export function errorForStatus(api: string, status: number): RetryableError | PermanentError {
  if (status === 429 || status >= 500) return new RetryableError(`wecom ${api} answered HTTP ${status}`);
  return new PermanentError(`wecom ${api} answered HTTP ${status}`);
}

export function errorForFetchFailure(api: string, error: unknown, timeoutMs: number): RetryableError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return new RetryableError(`wecom ${api} timed out after ${timeoutMs}ms`);
  return new RetryableError(`wecom ${api} unreachable: ${networkErrorCode(error)}`);
}

/** Throws unless the reply says errcode 0 (or one of `accept`, which the caller handles). */
export function expectOk(api: string, reply: WecomReply, secrets: string[] = [], accept: ReadonlySet<number> = new Set()): void {
  const errcode = reply.errcode ?? 0;
  if (errcode !== 0 && !accept.has(errcode)) throw errorForErrcode(api, errcode, reply.errmsg, secrets);
}

/** "host/path" of a URL, the only part of it an error may show. */
export const apiName = (url: URL): string => `${url.host}${url.pathname}`;

/**
 * One JSON call over global fetch. Returns the parsed reply without judging errcode (token
 * refresh needs to see it first); throws for timeouts, network failures, non-2xx and non-JSON.
 */
export async function requestWecomJson(
  url: URL,
  init: { method: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> },
  timeoutMs: number,
  api: string = apiName(url),
): Promise<WecomReply> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      // A redirect would replay the key-bearing URL somewhere else; treat it as misconfiguration.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw errorForFetchFailure(api, error, timeoutMs);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw errorForFetchFailure(api, error, timeoutMs);
  }
  if (response.status < 200 || response.status >= 300) throw errorForStatus(api, response.status);
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as WecomReply;
  } catch {
    // fall through: a proxy's HTML page or a wrong base_url
  }
  throw new PermanentError(`wecom ${api} answered HTTP ${response.status} without a JSON body`);
}

/** WeCom's errmsg ends with ", hint: […], from ip: …, more info at …"; keep the useful head. */
function shortErrmsg(errmsg: string | undefined, secrets: string[]): string {
  if (!errmsg) return '';
  let text = errmsg.split(/,\s*hint:/)[0]!.slice(0, 120).trim();
  for (const secret of secrets.filter(Boolean)) text = text.split(secret).join('[redacted]');
  return text;
}
