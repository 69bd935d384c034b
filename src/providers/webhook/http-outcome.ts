import { PermanentError, RetryableError } from '../../kernel/index.js';

/**
 * Turns a webhook receiver's answer into warroom's error vocabulary: 429, 5xx and network
 * trouble are worth retrying; other 4xx and redirects are not. Messages name only the origin,
 * because webhook paths often carry a token.
 */
export function errorForStatus(
  status: number,
  retryAfter: string | null,
  now: Date,
  origin: string,
): RetryableError | PermanentError {
  if (status === 429) return new RetryableError(`webhook ${origin} answered 429 (rate limited)`, parseRetryAfter(retryAfter, now));
  if (status >= 500) return new RetryableError(`webhook ${origin} answered ${status}`, parseRetryAfter(retryAfter, now));
  if (status >= 300 && status < 400) {
    return new PermanentError(`webhook ${origin} answered redirect ${status}; configure the final URL`);
  }
  return new PermanentError(`webhook ${origin} answered ${status}`);
}

export function errorForFetchFailure(error: unknown, origin: string, timeoutMs: number): RetryableError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RetryableError(`webhook ${origin} timed out after ${timeoutMs}ms`);
  }
  return new RetryableError(`webhook ${origin} unreachable: ${networkCode(error)}`);
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

// undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
function networkCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown error';
}
