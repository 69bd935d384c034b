import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../kernel/index.js';

/** Feishu callbacks older or newer than this are refused as replays (the SDK has no such check). */
export const REPLAY_WINDOW_MS = 5 * 60 * 1000;

/** Compares two strings in time independent of where they differ (hashing first equalises lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

/**
 * Official signature (reference §1.7): sha256 hex over timestamp + nonce + encrypt_key followed by
 * the raw body bytes. The SDK hashes its own re-serialisation instead, which breaks on any
 * whitespace or escaping difference; we hash exactly what arrived.
 */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer): string {
  return createHash('sha256').update(`${timestamp}${nonce}${encryptKey}`, 'utf8').update(rawBody).digest('hex');
}

/** Legacy v1 card callbacks: sha1 hex over timestamp + nonce + verification_token + raw body. */
export function legacyCardSignature(timestamp: string, nonce: string, verificationToken: string, rawBody: Buffer): string {
  return createHash('sha1').update(`${timestamp}${nonce}${verificationToken}`, 'utf8').update(rawBody).digest('hex');
}

export interface SignedHeaders {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
}

/** Throws UnauthorizedError unless the headers are present, fresh, and the signature matches. */
export function verifySigned(
  headers: SignedHeaders,
  now: Date,
  expected: (timestamp: string, nonce: string) => string,
  what: string,
): void {
  const { timestamp, nonce, signature } = headers;
  if (!timestamp || nonce === undefined || !signature) throw new UnauthorizedError(`feishu ${what}: missing signature headers`);
  checkFresh(timestamp, now);
  if (!constantTimeEqual(expected(timestamp, nonce), signature.trim().toLowerCase())) {
    throw new UnauthorizedError(`feishu ${what}: signature mismatch`);
  }
}

/** X-Lark-Request-Timestamp is unix seconds; outside ±5 minutes the request is stale or replayed. */
export function checkFresh(timestamp: string, now: Date): void {
  if (!/^\d{1,12}$/.test(timestamp.trim())) throw new UnauthorizedError('feishu callback: malformed timestamp');
  const skew = Math.abs(now.getTime() - Number(timestamp.trim()) * 1000);
  if (skew > REPLAY_WINDOW_MS) throw new UnauthorizedError('feishu callback: timestamp outside the 5 minute window (stale or replayed)');
}

/**
 * `{encrypt}` bodies: AES-256-CBC, key sha256(encrypt_key), IV the first 16 bytes of the base64
 * payload, PKCS#7 padding. A failure means the wrong key or a forged body.
 */
export function decryptFeishu(encrypt: string, encryptKey: string): unknown {
  try {
    const key = createHash('sha256').update(encryptKey, 'utf8').digest();
    const buffer = Buffer.from(encrypt, 'base64');
    if (buffer.length < 32 || buffer.length % 16 !== 0) throw new Error('bad length');
    const decipher = createDecipheriv('aes-256-cbc', key, buffer.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(buffer.subarray(16)), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch {
    throw new UnauthorizedError('feishu callback: cannot decrypt the body with the configured encrypt_key');
  }
}
