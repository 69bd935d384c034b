import { PermanentError, RetryableError, parseRetryAfter } from '../../kernel/index.js';

/** Feishu business codes that mean "try again later" rather than "this will never work". */
const RETRYABLE_CODES = new Map<number, string>([
  [99991400, 'rate limited'],
  [232019, 'concurrent member operations on one chat'],
  // [U] "This operation triggers the frequency limit" on IM writes; treated like 99991400.
  [230020, 'rate limited'],
  // Pin/unpin of one message over 5 QPS ("Pin/Unpin message trigger message_id limit").
  [230047, 'rate limited (pins on one message)'],
]);

/** The tenant token the SDK cached was refused (expired early, app reset): refetch and retry. */
export const STALE_TOKEN_CODES = new Set([99991663, 99991668, 99991677]);

/** What an SDK call rejected with, reduced to the parts that are safe to keep. */
interface FeishuFailureFacts {
  status?: number;
  code?: number;
  msg?: string;
  resetSeconds?: string;
  retryAfter?: string;
  networkCode?: string;
  isTimeout: boolean;
  tokenCall: boolean;
}

/**
 * One place that turns anything the SDK throws or answers into warroom's error vocabulary.
 * The SDK rejects non-2xx answers with an AxiosError whose `config` holds request headers (the
 * tenant token) and, for the token call, the app secret in the body: so we read status, code and
 * msg off it and never keep the error itself as a cause.
 */
export function classifyFeishuFailure(api: string, error: unknown, now: Date, secrets: string[]): RetryableError | PermanentError {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  return classifyFacts(api, factsOf(error), now, secrets);
}

/** An answer with code ≠ 0 (HTTP 200) is a business error, classified like a rejected call. */
export function businessError(api: string, code: number, msg: string | undefined, now: Date, secrets: string[]): RetryableError | PermanentError {
  return classifyFacts(api, { status: 200, code, ...(msg ? { msg } : {}), isTimeout: false, tokenCall: false }, now, secrets);
}

function classifyFacts(api: string, facts: FeishuFailureFacts, now: Date, secrets: string[]): RetryableError | PermanentError {
  const where = facts.tokenCall ? 'feishu tenant token' : `feishu ${api}`;
  const detail = describe(facts, secrets);
  if (facts.isTimeout) return new RetryableError(`${where} timed out`);
  if (facts.status === undefined && facts.code === undefined) {
    return new RetryableError(`${where} unreachable: ${facts.networkCode ?? 'network error'}`);
  }
  const retryAfterMs = retryHint(facts, now);
  if (facts.code !== undefined && RETRYABLE_CODES.has(facts.code)) {
    return new RetryableError(`${where} ${RETRYABLE_CODES.get(facts.code)}${detail}`, retryAfterMs);
  }
  if (facts.status === 429) return new RetryableError(`${where} rate limited${detail}`, retryAfterMs);
  if (facts.status !== undefined && facts.status >= 500) return new RetryableError(`${where} failed${detail}`, retryAfterMs);
  if (facts.tokenCall) return new PermanentError(`${where} refused${detail}; check app_id and app_secret`);
  return new PermanentError(`${where} refused${detail}`);
}

function factsOf(error: unknown): FeishuFailureFacts {
  const e = (error ?? {}) as Record<string, unknown>;
  if (e.isAxiosError === true) {
    const response = e.response as { status?: number; headers?: Record<string, unknown>; data?: unknown } | undefined;
    const config = e.config as { url?: unknown } | undefined;
    const data = (response?.data ?? {}) as { code?: unknown; msg?: unknown };
    const networkCode = typeof e.code === 'string' ? e.code : undefined;
    return {
      ...(response?.status !== undefined ? { status: response.status } : {}),
      ...(typeof data.code === 'number' ? { code: data.code } : {}),
      ...(typeof data.msg === 'string' ? { msg: data.msg } : {}),
      ...headerFact('resetSeconds', response?.headers?.['x-ogw-ratelimit-reset']),
      ...headerFact('retryAfter', response?.headers?.['retry-after']),
      ...(networkCode ? { networkCode } : {}),
      isTimeout: !response && (networkCode === 'ECONNABORTED' || networkCode === 'ETIMEDOUT'),
      tokenCall: typeof config?.url === 'string' && config.url.includes('/auth/v3/'),
    };
  }
  // The SDK's token manager throws a plain Error carrying only the API's code and msg.
  const message = error instanceof Error ? error.message : String(error);
  const token = /failed to get tenant_access_token, code: (-?\d+|unknown), msg: (.*)$/s.exec(message);
  if (token) {
    const code = Number(token[1]);
    return { ...(Number.isFinite(code) ? { code } : {}), msg: token[2] ?? '', status: 200, isTimeout: false, tokenCall: true };
  }
  return { networkCode: error instanceof Error ? error.name : 'unknown error', isTimeout: false, tokenCall: false };
}

function headerFact<K extends 'resetSeconds' | 'retryAfter'>(key: K, value: unknown): { [P in K]?: string } {
  const text = Array.isArray(value) ? value[0] : value;
  return (typeof text === 'string' || typeof text === 'number' ? { [key]: String(text) } : {}) as { [P in K]?: string };
}

/** x-ogw-ratelimit-reset is seconds until the window resets; Retry-After is the HTTP fallback. */
function retryHint(facts: FeishuFailureFacts, now: Date): number | undefined {
  if (facts.resetSeconds !== undefined && /^\d+$/.test(facts.resetSeconds.trim())) return Number(facts.resetSeconds.trim()) * 1000;
  return parseRetryAfter(facts.retryAfter ?? null, now);
}

function describe(facts: FeishuFailureFacts, secrets: string[]): string {
  const parts: string[] = [];
  if (facts.status !== undefined && facts.status !== 200) parts.push(`HTTP ${facts.status}`);
  if (facts.code !== undefined) parts.push(`code ${facts.code}`);
  const head = parts.length ? ` (${parts.join(', ')})` : '';
  return facts.msg ? `${head}: ${scrub(facts.msg, secrets).slice(0, 300)}` : head;
}

/** Feishu msgs do not echo credentials, but scrub ours and anything shaped like a tenant token anyway. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets.filter(Boolean)) out = out.split(secret).join('[redacted]');
  return out.replace(/\b[tu]-[A-Za-z0-9._-]{8,}/g, '[redacted]');
}
