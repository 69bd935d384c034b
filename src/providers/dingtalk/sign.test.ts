import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CALLBACK_WINDOW_MS, checkDingtalkSign, dingtalkSign, signedWebhookUrl } from './sign.js';

// Computed outside this code base with Python's hmac/base64/urllib (the language of DingTalk's own sample):
//   base64(hmac.new(b'SECtest0123456789abcdef', b'1736067600000\nSECtest0123456789abcdef', sha256).digest())
// The value conveniently holds "/", "+" and "=", so it also exercises the URL encoding.
const SECRET = 'SECtest0123456789abcdef';
const TS = 1736067600000;
const VECTOR = 'n4d/YoszGFxo5KNBwCFfLgUHCNPDK6IXSGFKVGG+jGo=';
const VECTOR_QUOTED = 'n4d%2FYoszGFxo5KNBwCFfLgUHCNPDK6IXSGFKVGG%2BjGo%3D';

/** A second, independent implementation: WebCrypto instead of node's createHmac. */
async function webCryptoSign(secret: string, timestamp: number): Promise<string> {
  const encoder = new TextEncoder();
  const key = await webcrypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await webcrypto.subtle.sign('HMAC', key, encoder.encode(`${timestamp}\n${secret}`));
  return Buffer.from(mac).toString('base64');
}

describe('dingtalkSign', () => {
  it('matches the vector computed with Python', () => {
    expect(dingtalkSign(SECRET, TS)).toBe(VECTOR);
    expect(dingtalkSign(SECRET, String(TS))).toBe(VECTOR);
  });

  it.each([
    ['SEC0', 1],
    ['SECc9a1f3e5d7b2', 1700000000123],
    ['SEC密钥', Date.UTC(2026, 0, 5, 9)],
  ])('agrees with WebCrypto HMAC-SHA256 for %s at %s', async (secret, ts) => {
    expect(dingtalkSign(secret, ts)).toBe(await webCryptoSign(secret, ts));
  });
});

describe('signedWebhookUrl', () => {
  const webhook = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';

  it('adds the millisecond timestamp and the form-encoded sign to the query string', () => {
    const url = signedWebhookUrl(webhook, SECRET, new Date(TS));
    expect(url.toString()).toBe(`${webhook}&timestamp=${TS}&sign=${VECTOR_QUOTED}`);
    // Read back as DingTalk's server would, the sign is the raw base64 again.
    expect(new URL(url.toString()).searchParams.get('sign')).toBe(VECTOR);
  });

  it('leaves an unsigned robot URL alone', () => {
    expect(signedWebhookUrl(webhook, undefined, new Date(TS)).toString()).toBe(webhook);
  });

  it('replaces stale timestamp and sign parameters instead of duplicating them', () => {
    const url = signedWebhookUrl(`${webhook}&timestamp=1&sign=old`, SECRET, new Date(TS));
    expect(url.searchParams.getAll('timestamp')).toEqual([String(TS)]);
    expect(url.searchParams.getAll('sign')).toEqual([VECTOR]);
  });
});

describe('checkDingtalkSign', () => {
  const now = new Date(TS);

  it('accepts the exact signature within five minutes either side', () => {
    expect(CALLBACK_WINDOW_MS).toBe(300_000);
    expect(checkDingtalkSign(SECRET, String(TS), VECTOR, now)).toBe('ok');
    expect(checkDingtalkSign(SECRET, String(TS), VECTOR, new Date(TS + 300_000))).toBe('ok');
    expect(checkDingtalkSign(SECRET, String(TS), VECTOR, new Date(TS - 300_000))).toBe('ok');
  });

  it('takes a wider window only when asked', () => {
    expect(checkDingtalkSign(SECRET, String(TS), VECTOR, new Date(TS + 3_600_000), 3_600_000)).toBe('ok');
  });

  it.each([
    ['stale', String(TS), VECTOR, new Date(TS + 300_001)],
    ['stale', String(TS), VECTOR, new Date(TS - 300_001)],
    ['stale', String(TS), VECTOR, new Date(TS + 360_000)],
    ['mismatch', String(TS + 1), VECTOR, now],
    ['mismatch', String(TS), VECTOR.replace('n4d', 'n4e'), now],
    ['mismatch', String(TS), VECTOR.slice(0, -1), now],
    ['malformed', undefined, VECTOR, now],
    ['malformed', String(TS), undefined, now],
    ['malformed', '1.7e12', VECTOR, now],
  ] as const)('says %s for ts=%s sign=%s', (expected, ts, sign, at) => {
    expect(checkDingtalkSign(SECRET, ts, sign, at)).toBe(expected);
  });

  it('refuses a signature made with another secret', () => {
    expect(checkDingtalkSign('SECother', String(TS), VECTOR, now)).toBe('mismatch');
  });
});
