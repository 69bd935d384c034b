import { PermanentError, RetryableError, networkErrorCode, parseRetryAfter } from '../../kernel/index.js';

/** Security refusals: sign not match, invalid timestamp, keywords not in content, ip … not in whitelist. */
export const ERRCODE_SECURITY = 310000;
/** "send too fast, exceed 20 times per minute" [U: community reports, not the official FAQ]. */
export const ERRCODE_TOO_FAST = 130101;
/** Going over 20/min throttles the robot for 10 minutes, so that is the earliest retry worth making. */
export const THROTTLE_RETRY_MS = 10 * 60 * 1000;

/**
 * Where a robot call went, for error text: the robot's name and the host only. The webhook URL
 * holds the access_token, so neither it nor the signing secret may appear.
 */
export interface RobotLabel {
  robot: string;
  host: string;
  /** Strings scrubbed from anything DingTalk echoes back (token, secret). */
  secrets: string[];
}

const describe = (label: RobotLabel) => `dingtalk robot "${label.robot}" (${label.host})`;

/** DingTalk answers HTTP 200 with {errcode, errmsg}; turns a non-zero errcode into warroom's vocabulary. */
export function errorForErrcode(label: RobotLabel, errcode: number, errmsg: unknown): RetryableError | PermanentError {
  const message = typeof errmsg === 'string' ? scrub(errmsg, label.secrets).slice(0, 200) : '';
  const text = `${describe(label)} answered errcode ${errcode}${message ? `: ${message}` : ''}`;
  if (errcode === ERRCODE_TOO_FAST) return new RetryableError(`${text} (robot throttled for 10 minutes)`, THROTTLE_RETRY_MS);
  if (errcode === ERRCODE_SECURITY) return new PermanentError(`${text}; check the robot's secret, keyword and IP settings`);
  // -1 is DingTalk's "system busy"; everything else (bad token, bad body…) will not improve on retry.
  if (errcode === -1) return new RetryableError(text);
  return new PermanentError(text);
}

export function errorForStatus(label: RobotLabel, status: number, retryAfter: string | null, now: Date): RetryableError | PermanentError {
  const text = `${describe(label)} answered HTTP ${status}`;
  if (status === 429 || status >= 500) return new RetryableError(text, parseRetryAfter(retryAfter, now));
  if (status >= 300 && status < 400) return new PermanentError(`${text} (redirect); configure the final webhook URL`);
  return new PermanentError(text);
}

export function errorForFetchFailure(label: RobotLabel, error: unknown, timeoutMs: number): RetryableError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return new RetryableError(`${describe(label)} timed out after ${timeoutMs}ms`);
  return new RetryableError(`${describe(label)} unreachable: ${networkErrorCode(error)}`);
}

export function scrub(text: string, secrets: string[]): string {
  return secrets.filter(Boolean).reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
}
