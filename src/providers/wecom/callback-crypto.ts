import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../kernel/index.js';

/**
 * WeCom's callback crypto (the official WXBizMsgCrypt, document path 90968):
 * - msg_signature = sha1 hex of the sorted concatenation of [token, timestamp, nonce, encrypt];
 * - AES-256-CBC, key = base64decode(EncodingAESKey + '='), IV = key[0..16], PKCS#7 padded to 32 bytes;
 * - plaintext = 16 random bytes + 4-byte big-endian length + message + receiveid (the CorpID).
 */

export function wecomSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join(''), 'utf8').digest('hex');
}

/** Constant-time, so a forger learns nothing from how long a wrong signature took to refuse. */
export function verifyWecomSignature(
  given: string,
  parts: { token: string; timestamp: string; nonce: string; encrypt: string },
): boolean {
  const expected = Buffer.from(wecomSignature(parts.token, parts.timestamp, parts.nonce, parts.encrypt), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The 32-byte AES key; throws for a key that is not 43 base64 characters (a config error). */
export function wecomAesKey(encodingAesKey: string): Buffer {
  const key = /^[A-Za-z0-9+/]{43}$/.test(encodingAesKey) ? Buffer.from(`${encodingAesKey}=`, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error('encoding_aes_key must be 43 base64 characters (a 32-byte key)');
  return key;
}

/**
 * Decrypts an Encrypt field (or a URL-verification echostr) and checks that it was meant for
 * `receiveId`. Call it only after the signature checked out. Anything that does not decrypt to
 * the documented layout is refused as unauthenticated: with a valid signature that means a wrong
 * EncodingAESKey or a forgery, and the caller cannot tell which.
 */
export function decryptWecomMessage(encrypt: string, key: Buffer, receiveId: string): string {
  const refuse = (why: string) => new UnauthorizedError(`wecom callback ${why}`);
  const cipherText = /^[A-Za-z0-9+/]+={0,2}$/.test(encrypt) ? Buffer.from(encrypt, 'base64') : Buffer.alloc(0);
  if (cipherText.length === 0 || cipherText.length % 32 !== 0) throw refuse('is not a whole number of 32-byte blocks');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    // WeCom pads to 32-byte blocks; OpenSSL's automatic padding only knows 16.
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(cipherText), decipher.final()]);
  } catch {
    throw refuse('could not be decrypted');
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > 32 || !plain.subarray(plain.length - pad).every((byte) => byte === pad)) throw refuse('has bad padding');
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) throw refuse('is too short');
  const length = body.readUInt32BE(16);
  if (20 + length > body.length) throw refuse('declares a length beyond its end');
  const given = body.subarray(20 + length);
  const expected = Buffer.from(receiveId, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('is addressed to another corp');
  return body.subarray(20, 20 + length).toString('utf8');
}
