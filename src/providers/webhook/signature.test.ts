import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWarroomBody, verifyWarroomSignature } from './signature.js';

const SECRET = 'whsec-test-0123456789abcdef';
const BODY = '{"event":"incident.page","title":"Disk full"}';
const NOW = new Date('2026-01-05T09:00:00Z');
const TS = NOW.getTime() / 1000;

const headersFor = (body: string, ts = TS, secret = SECRET) => ({
  'x-warroom-timestamp': String(ts),
  'x-warroom-signature': signWarroomBody(body, secret, ts),
});

describe('signWarroomBody', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<raw body>", as documented for receivers', () => {
    const independent = createHmac('sha256', SECRET).update(`${TS}.${BODY}`).digest('hex');
    expect(signWarroomBody(BODY, SECRET, TS)).toBe(`v1=${independent}`);
  });
});

describe('verifyWarroomSignature', () => {
  it('accepts an exact body within the window, with any header casing or a Headers object', () => {
    expect(verifyWarroomSignature(BODY, headersFor(BODY), SECRET, NOW)).toBe(true);
    const upper = { 'X-Warroom-Timestamp': String(TS), 'X-Warroom-Signature': signWarroomBody(BODY, SECRET, TS) };
    expect(verifyWarroomSignature(BODY, upper, SECRET, NOW)).toBe(true);
    expect(verifyWarroomSignature(Buffer.from(BODY), new Headers(headersFor(BODY)), SECRET, NOW)).toBe(true);
  });

  it.each([
    ['a changed body', BODY.replace('Disk', 'Desk'), headersFor(BODY), SECRET, NOW],
    ['the wrong secret', BODY, headersFor(BODY), 'another-secret-0123456789', NOW],
    ['a replay older than 300 s', BODY, headersFor(BODY), SECRET, new Date(NOW.getTime() + 301_000)],
    ['a timestamp too far in the future', BODY, headersFor(BODY), SECRET, new Date(NOW.getTime() - 301_000)],
    ['a re-dated timestamp', BODY, { ...headersFor(BODY), 'x-warroom-timestamp': String(TS + 1) }, SECRET, NOW],
    ['no signature header', BODY, { 'x-warroom-timestamp': String(TS) }, SECRET, NOW],
    ['no timestamp header', BODY, { 'x-warroom-signature': signWarroomBody(BODY, SECRET, TS) }, SECRET, NOW],
    ['a malformed timestamp', BODY, { ...headersFor(BODY), 'x-warroom-timestamp': '12e3' }, SECRET, NOW],
    ['an unknown scheme', BODY, { ...headersFor(BODY), 'x-warroom-signature': headersFor(BODY)['x-warroom-signature'].replace('v1=', 'v0=') }, SECRET, NOW],
    ['a truncated signature', BODY, { ...headersFor(BODY), 'x-warroom-signature': headersFor(BODY)['x-warroom-signature'].slice(0, -2) }, SECRET, NOW],
  ])('refuses %s', (_case, body, headers, secret, now) => {
    expect(verifyWarroomSignature(body, headers, secret, now)).toBe(false);
  });

  it('honours a custom tolerance', () => {
    const later = new Date(NOW.getTime() + 60_000);
    expect(verifyWarroomSignature(BODY, headersFor(BODY), SECRET, later, 30)).toBe(false);
    expect(verifyWarroomSignature(BODY, headersFor(BODY), SECRET, later, 60)).toBe(true);
  });

  it('accepts any of several v1 values, so a sender can sign with old and new secrets during rotation', () => {
    const rotated = `${signWarroomBody(BODY, 'old-secret-0123456789abcd', TS)}, ${signWarroomBody(BODY, SECRET, TS)}`;
    expect(verifyWarroomSignature(BODY, { 'x-warroom-timestamp': String(TS), 'x-warroom-signature': rotated }, SECRET, NOW)).toBe(true);
  });
});
