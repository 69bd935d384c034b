import { PermanentError, RetryableError, networkErrorCode, parseRetryAfter } from '../../kernel/index.js';

/** Twilio's documented error body: {code, message, more_info, status}. */
interface TwilioErrorBody {
  code?: unknown;
  message?: unknown;
}

/**
 * 429 and 5xx are retried (honouring Retry-After); other 4xx are permanent and keep Twilio's
 * code (21211 invalid 'To', 20003 bad credentials…) so people can look it up. The auth token is
 * scrubbed from anything Twilio echoes back.
 */
export function errorForTwilioResponse(
  resource: string,
  status: number,
  body: unknown,
  retryAfter: string | null,
  now: Date,
  authToken: string,
): RetryableError | PermanentError {
  const detail = describe(body, authToken);
  const text = `twilio ${resource} answered ${status}${detail}`;
  if (status === 429 || status >= 500) return new RetryableError(text, parseRetryAfter(retryAfter, now));
  return new PermanentError(text);
}

export function errorForTwilioFetchFailure(resource: string, error: unknown, timeoutMs: number): RetryableError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RetryableError(`twilio ${resource} timed out after ${timeoutMs}ms`);
  }
  return new RetryableError(`twilio ${resource} unreachable: ${networkErrorCode(error)}`);
}

export { parseRetryAfter };

function describe(body: unknown, authToken: string): string {
  if (!body || typeof body !== 'object') return '';
  const { code, message } = body as TwilioErrorBody;
  const codePart = typeof code === 'number' || typeof code === 'string' ? ` (code ${code})` : '';
  const messagePart = typeof message === 'string' ? `: ${scrub(message, authToken).slice(0, 300)}` : '';
  return `${codePart}${messagePart}`;
}

function scrub(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
