import { PermanentError, RetryableError, networkErrorCode, parseRetryAfter } from '../../kernel/index.js';

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
  return new RetryableError(`webhook ${origin} unreachable: ${networkErrorCode(error)}`);
}

export { parseRetryAfter };

