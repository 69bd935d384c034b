import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../config/index.js';
import { DEMO_PASSWORD, DEMO_PASSWORD_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { retryAfterMs } from './login-throttle.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS, sessionAlive, sessionDeadline } from './web-sessions.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/warroom.yaml', import.meta.url));

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('a-long-enough-password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(await verifyPassword(hash, 'a-long-enough-password')).toBe(true);
    expect(await verifyPassword(hash, 'a-long-enough-passwore')).toBe(false);
  });

  it('fails without a hash or with a malformed one, after the same work', async () => {
    expect(await verifyPassword(null, 'anything-at-all')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'anything-at-all')).toBe(false);
  });

  it('asks for 10 characters at least', () => {
    expect(passwordProblem('123456789')).toMatch(/at least 10/);
    expect(passwordProblem('1234567890')).toBeNull();
    expect(passwordProblem('x'.repeat(1025))).toMatch(/at most/);
  });

  it('marks the demo users of examples/warroom.yaml with the demo hash, which is the demo password', async () => {
    expect(await verifyPassword(DEMO_PASSWORD_HASH, DEMO_PASSWORD)).toBe(true);
    const config = await loadConfigFile(EXAMPLE, {});
    expect(config.users.filter((u) => u.password_hash === DEMO_PASSWORD_HASH).map((u) => `${u.id}:${u.role}`)).toEqual(['alice:admin', 'bob:responder', 'carol:responder', 'dave:viewer']);
  });
});

describe('throttle and session clocks', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
  it.each([
    { name: 'under the limit', failures: [10, 9, 8, 7], wait: 0 },
    { name: 'at the limit: wait until the 5th newest leaves the window', failures: [10, 9, 8, 7, 6], wait: 11 * 60_000 },
    { name: 'beyond the limit counts the 5th newest too', failures: [10, 9, 8, 7, 6, 5, 4], wait: 11 * 60_000 },
  ])('retryAfterMs: $name', ({ failures, wait }) => {
    expect(retryAfterMs(failures.map(at), 5, 15 * 60_000, at(10))).toBe(wait);
  });

  it('ends a session at the idle limit or the absolute limit, whichever comes first', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const expiresAt = new Date(start.getTime() + SESSION_MAX_MS);
    expect(sessionDeadline({ lastSeenAt: start, expiresAt })).toEqual(new Date(start.getTime() + SESSION_IDLE_MS));
    const late = new Date(expiresAt.getTime() - 1000);
    expect(sessionDeadline({ lastSeenAt: late, expiresAt })).toEqual(expiresAt);
    expect(sessionAlive({ lastSeenAt: start, expiresAt }, new Date(start.getTime() + SESSION_IDLE_MS - 1))).toBe(true);
    expect(sessionAlive({ lastSeenAt: start, expiresAt }, new Date(start.getTime() + SESSION_IDLE_MS))).toBe(false);
  });
});
