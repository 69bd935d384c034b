import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * DingTalk's one signature scheme, used both ways:
 *   stringToSign = `${timestampMs}\n${secret}`, sign = base64(HMAC-SHA256(key = secret, stringToSign))
 * Outbound (custom robot 加签): timestamp and sign go in the query string, the timestamp within 1 h
 * of DingTalk's clock. Inbound (outgoing robot callback): DingTalk sends them as `timestamp` and
 * `sign` headers, signed with the app secret. The body is not covered either way.
 */
export function dingtalkSign(secret: string, timestampMs: number | string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/**
 * The robot URL to POST to: the configured webhook URL plus timestamp and sign when the robot has a
 * secret. URLSearchParams form-encodes the base64 (+ / =), as DingTalk's samples urlEncode it.
 */
export function signedWebhookUrl(webhookUrl: string, secret: string | undefined, now: Date): URL {
  const url = new URL(webhookUrl);
  if (secret) {
    const timestamp = String(now.getTime());
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('sign', dingtalkSign(secret, timestamp));
  }
  return url;
}

/** DingTalk refuses outbound robot timestamps more than an hour off its clock. */
export const SIGN_WINDOW_MS = 60 * 60 * 1000;

/**
 * How far an inbound callback's timestamp may be from warroom's clock. DingTalk itself would
 * allow an hour, but its signature covers only the timestamp, not the body: a captured
 * (timestamp, sign) pair can carry any body for as long as the window lasts. Five minutes keeps
 * that short while tolerating ordinary clock skew; the verifier also derives the event id from the
 * pair, so warroom's inbound dedup turns a second use of a pair into a no-op.
 */
export const CALLBACK_WINDOW_MS = 5 * 60 * 1000;

export type SignCheck = 'ok' | 'malformed' | 'stale' | 'mismatch';

/** Checks an inbound timestamp/sign pair against `now` (±CALLBACK_WINDOW_MS unless given); compares in constant time. */
export function checkDingtalkSign(
  secret: string,
  timestamp: string | undefined,
  sign: string | undefined,
  now: Date,
  windowMs = CALLBACK_WINDOW_MS,
): SignCheck {
  if (!timestamp || !sign || !/^\d{1,15}$/.test(timestamp)) return 'malformed';
  if (Math.abs(now.getTime() - Number(timestamp)) > windowMs) return 'stale';
  const expected = Buffer.from(dingtalkSign(secret, timestamp), 'utf8');
  const given = Buffer.from(sign, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'mismatch';
}
