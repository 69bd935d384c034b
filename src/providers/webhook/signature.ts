import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Warroom's webhook signature, documented for receivers:
 *   X-Warroom-Timestamp: <unix seconds>
 *   X-Warroom-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * Signing the timestamp with the body lets receivers refuse replays outside a window.
 * During a secret rotation a receiver may see several comma-separated v1= values; any match passes.
 */
export const TIMESTAMP_HEADER = 'X-Warroom-Timestamp';
export const SIGNATURE_HEADER = 'X-Warroom-Signature';
export const IDEMPOTENCY_HEADER = 'X-Warroom-Idempotency-Key';
export const DELIVERY_HEADER = 'X-Warroom-Delivery';

export type RawBody = string | Uint8Array;
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** Returns the X-Warroom-Signature value, "v1=<hex>". */
export function signWarroomBody(rawBody: RawBody, secret: string, timestampSec: number): string {
  return `v1=${hmacHex(rawBody, secret, String(timestampSec))}`;
}

/**
 * For receivers: true only when the signature matches and the timestamp is within
 * `toleranceSec` of `now` (either side, to allow clock skew). Pass the body exactly as received.
 */
export function verifyWarroomSignature(
  rawBody: RawBody,
  headers: HeaderSource,
  secret: string,
  now: Date,
  toleranceSec = 300,
): boolean {
  const timestamp = readHeader(headers, TIMESTAMP_HEADER);
  const signature = readHeader(headers, SIGNATURE_HEADER);
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(rawBody, secret, timestamp), 'utf8');
  const candidates = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => Buffer.from(part.slice(3), 'utf8'));
  // Check every candidate so the time taken does not depend on which one matched.
  let ok = false;
  for (const candidate of candidates) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) ok = true;
  }
  return ok;
}

function hmacHex(rawBody: RawBody, secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest('hex');
}

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}
