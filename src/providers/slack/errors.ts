import { ErrorCode } from '@slack/web-api';
import { PermanentError, RetryableError, networkErrorCode } from '../../kernel/index.js';

/**
 * Platform error codes (HTTP 200, ok:false) that are Slack's own trouble or throttling, so a later
 * attempt may succeed. Everything else (invalid_auth, channel_not_found, invalid_blocks…) is
 * about our request or the workspace and will not change on retry.
 */
const RETRYABLE_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

// Slack error codes are snake_case words; anything else (an HTML page from a proxy) is not echoed.
const ERROR_CODE = /^[a-z0-9_]{1,80}$/;

/**
 * Runs one Web API call and turns any failure into warroom's vocabulary. The SDK's errors carry
 * response headers, bodies and the original fetch error; none of that is attached as a cause,
 * so no token or request detail can leak through an error.
 */
export async function callSlack<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw slackCallError(method, error);
  }
}

/** The Slack error code of a failed call (name_taken, already_in_channel…), when Slack gave one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof SlackRefusal) return error.slackCode;
  return undefined;
}

/** Per-user failures Slack lists in `errors` (conversations.invite), when the call gave them. */
export function slackUserErrors(error: unknown): { user: string; error: string }[] {
  if (!(error instanceof SlackRefusal)) return [];
  return error.userErrors;
}

/** A PermanentError that remembers Slack's code, so callers can tolerate some (already_in_channel). */
export class SlackRefusal extends PermanentError {
  constructor(
    reason: string,
    readonly slackCode: string,
    readonly userErrors: { user: string; error: string }[] = [],
  ) {
    super(reason);
  }
}

export function slackCallError(method: string, error: unknown): RetryableError | PermanentError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === ErrorCode.RateLimitedError) {
    const seconds = Number((error as { retryAfter?: unknown }).retryAfter);
    return new RetryableError(`slack ${method} rate limited (HTTP 429)`, Number.isFinite(seconds) ? seconds * 1000 : undefined);
  }
  if (code === ErrorCode.HTTPError) {
    const status = Number((error as { statusCode?: unknown }).statusCode);
    const text = `slack ${method} answered HTTP ${status}`;
    return status >= 500 || status === 429 ? new RetryableError(text) : new PermanentError(text);
  }
  if (code === ErrorCode.RequestError) {
    const original = (error as { original?: unknown }).original;
    const name = original instanceof Error ? original.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') return new RetryableError(`slack ${method} timed out`);
    return new RetryableError(`slack ${method} unreachable: ${networkErrorCode(original)}`);
  }
  if (code === ErrorCode.PlatformError) return platformError(method, (error as { data?: unknown }).data);
  // The SDK throws a plain Error for a 429 without a usable Retry-After header.
  if (error instanceof Error && /rate limit|Retry header/i.test(error.message)) {
    return new RetryableError(`slack ${method} rate limited (HTTP 429, no Retry-After)`);
  }
  // Unknown failures are most likely transient plumbing; the job's retry budget bounds the cost.
  return new RetryableError(`slack ${method} failed: ${error instanceof Error ? error.name : 'unknown error'}`);
}

function platformError(method: string, data: unknown): RetryableError | PermanentError {
  const body = (data ?? {}) as { error?: unknown; errors?: unknown; response_metadata?: { retryAfter?: unknown } };
  const raw = typeof body.error === 'string' ? body.error : '';
  const slackCode = ERROR_CODE.test(raw) ? raw : 'unexpected_response';
  const text = `slack ${method} failed: ${slackCode}`;
  if (RETRYABLE_PLATFORM_ERRORS.has(slackCode)) {
    const seconds = Number(body.response_metadata?.retryAfter);
    return new RetryableError(text, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
  }
  return new SlackRefusal(text, slackCode, userErrorsOf(body.errors));
}

function userErrorsOf(errors: unknown): { user: string; error: string }[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: { user?: unknown; error?: unknown }) =>
    typeof entry?.user === 'string' && typeof entry.error === 'string' && ERROR_CODE.test(entry.error) ? [{ user: entry.user, error: entry.error }] : [],
  );
}
