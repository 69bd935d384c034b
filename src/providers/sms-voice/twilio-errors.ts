import { PermanentError, RetryableError } from '../../kernel/index.js';

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
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = cause && typeof cause.code === 'string' ? cause.code : name || 'unknown error';
  return new RetryableError(`twilio ${resource} unreachable: ${code}`);
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
