import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../app.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { alertmanagerPayload } from '../../test/helpers/test-app.js';
import { DEMO_PASSWORD_HASH, hashPassword } from '../domain/access/index.js';
import { FakeClock, REDACTED_PATHS, hashSecret } from '../kernel/index.js';

const PASSWORD = 'correct-horse-battery';
const ADMIN_TOKEN = 'session-test-admin-token-01';
const KEY = 'session-test-key-0001';
const H = 3_600_000;

let db: TestDatabase;
let app: RunningApp;
const clock = new FakeClock('2026-03-02T09:00:00Z');
const logLines: string[] = [];

beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  const config = `
users:
  - { id: alice, name: Alice, email: Alice@Example.com, role: admin, password_hash: "${hash}" }
  - { id: dave, name: Dave, role: viewer, password_hash: "${hash}" }
  - { id: erin, name: Erin, role: responder, password_hash: "${hash}" }
  - { id: demo, name: Demo, role: viewer, password_hash: "${DEMO_PASSWORD_HASH}" }
  - { id: nopass, name: No Password }
services:
  - { id: web, name: Web, integration_keys: [{ key: ${KEY} }] }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
`;
  db = await createTestDatabase();
  const configPath = join(await mkdtemp(join(tmpdir(), 'warroom-session-test-')), 'warroom.yaml');
  await writeFile(configPath, config);
  // The server's own logger, with its redaction, writing into memory so the test can read every line.
  const logger = pino({ level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, { write: (line: string) => void logLines.push(line) });
  app = await startApp({ env: { DATABASE_URL: db.url }, port: 0, host: '127.0.0.1', configPath, logger, clock, worker: false });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

interface Call { body?: unknown; token?: string; cookie?: string; csrf?: string; headers?: Record<string, string> }
async function call(method: string, path: string, { body, token, cookie, csrf, headers = {} }: Call = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(cookie ? { cookie } : {}),
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text, headers: response.headers, setCookie: response.headers.getSetCookie() };
}

async function login(user: string, password = PASSWORD, headers: Record<string, string> = {}) {
  const reply = await call('POST', '/api/v1/session', { body: { user, password }, headers });
  const secret = /^warroom_session=([^;]+)/.exec(reply.setCookie[0] ?? '')?.[1];
  return { ...reply, secret, cookie: `warroom_session=${secret}`, csrf: reply.body?.csrf_token as string };
}

const audit = async (action: string) => db.db.selectFrom('audit_log').select(['actor', 'target_id', 'data']).where('action', '=', action).orderBy('id').execute();

describe('signing in', () => {
  it('signs in by id or by email in any case, and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const byEmail = await login('ALICE@example.COM');
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toMatchObject({ user: { id: 'alice', name: 'Alice', email: 'Alice@Example.com', role: 'admin', timezone: 'UTC' } });
    expect(byEmail.body.expires_at).toBe(new Date(clock.now().getTime() + 12 * H).toISOString());
    const cookie = byEmail.setCookie[0]!;
    expect(cookie).toMatch(/^warroom_session=[\w-]{40,};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    expect((await login('alice')).status).toBe(200);
    // Only the digest of the cookie secret is stored.
    const rows = await db.db.selectFrom('web_sessions').selectAll().execute();
    expect(rows.map((r) => r.id)).toContain(hashSecret(byEmail.secret!));
    expect(JSON.stringify(rows)).not.toContain(byEmail.secret);
    expect((await audit('session.login')).map((a) => a.target_id)).toEqual(['alice', 'alice']);
  });

  it('marks the cookie Secure behind an https proxy, or when WARROOM_SECURE_COOKIES=1', async () => {
    expect((await login('alice', PASSWORD, { 'x-forwarded-proto': 'https' })).setCookie[0]).toMatch(/; Secure/);
    process.env.WARROOM_SECURE_COOKIES = '1';
    try {
      expect((await login('alice')).setCookie[0]).toMatch(/; Secure/);
    } finally {
      delete process.env.WARROOM_SECURE_COOKIES;
    }
  });

  it('answers an unknown user, a wrong password and a user without a password with one generic 401', async () => {
    const replies = [await login('nobody'), await login('alice', 'wrong-password-1'), await login('nopass', 'whatever-it-is')];
    for (const reply of replies) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error: 'unauthorized', message: 'wrong user or password' });
      expect(reply.setCookie).toEqual([]);
    }
    const failed = await audit('session.login_failed');
    expect(failed.map((a) => a.target_id)).toEqual([null, 'alice', 'nopass']);
    expect(JSON.stringify(failed)).not.toMatch(/wrong-password-1|whatever-it-is/);
  });

  it('throttles after 5 failures for one user, with Retry-After, until the window passes', async () => {
    for (let i = 0; i < 5; i++) expect((await login('erin', `guess-number-${i}`)).status).toBe(401);
    const blocked = await login('erin');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(blocked.setCookie).toEqual([]);
    // The budget is the user's, whichever name is typed, and is kept in Postgres.
    expect((await login('ERIN')).status).toBe(429);
    expect(Number((await db.db.selectFrom('login_failures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThanOrEqual(5);
    clock.advance(15 * 60_000 + 1000);
    expect((await login('erin')).status).toBe(200);
  });

  it('throttles 20 failures from one address across user names', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 20; i++) expect((await login(`someone-${i}`, 'not-the-password', from)).status).toBe(401);
    const blocked = await login('alice', PASSWORD, from);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login('alice', PASSWORD, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    clock.advance(16 * 60_000);
  });
});

describe('cookie sessions', () => {
  it('reads the session back, and answers /me with via: session', async () => {
    const s = await login('alice');
    const current = await call('GET', '/api/v1/session', { cookie: s.cookie });
    expect(current.status).toBe(200);
    expect(current.body).toEqual(s.body);
    expect((await call('GET', '/api/v1/me', { cookie: s.cookie })).body).toEqual({ token: 'alice', role: 'admin', user_id: 'alice', name: 'Alice', via: 'session' });
    expect((await call('GET', '/api/v1/me', { token: ADMIN_TOKEN })).body).toEqual({ token: 'admin', role: 'admin', user_id: 'alice', name: 'Alice', via: 'token' });
    expect((await call('GET', '/api/v1/session')).status).toBe(401);
    expect((await call('GET', '/api/v1/session', { cookie: 'warroom_session=forged-secret-value' })).status).toBe(401);
  });

  it('needs X-CSRF-Token on cookie requests that change something, but not on bearer requests', async () => {
    const s = await login('alice');
    const body = { name: 'csrf-check', role: 'viewer' as const };
    const missing = await call('POST', '/api/v1/tokens', { cookie: s.cookie, body });
    expect([missing.status, missing.body.message]).toEqual([403, 'csrf token missing or wrong']);
    expect((await call('POST', '/api/v1/tokens', { cookie: s.cookie, csrf: 'x'.repeat(32), body })).status).toBe(403);
    expect((await call('POST', '/api/v1/tokens', { cookie: s.cookie, csrf: s.csrf, body })).status).toBe(201);
    expect((await call('POST', '/api/v1/tokens', { token: ADMIN_TOKEN, body: { name: 'bearer-check', role: 'viewer' } })).status).toBe(201);
    expect((await call('GET', '/api/v1/tokens', { cookie: s.cookie })).status).toBe(200);
  });

  it('does not let a viewer session acknowledge an incident', async () => {
    const fired = await call('POST', `/api/v1/integrations/alertmanager/${KEY}`, { body: alertmanagerPayload([{ labels: { alertname: 'WebDown', severity: 'critical' } }]) });
    const ref = fired.body.results[0].incident as string;
    const dave = await login('dave');
    expect((await call('GET', `/api/v1/incidents/${ref}`, { cookie: dave.cookie })).status).toBe(200);
    const denied = await call('POST', `/api/v1/incidents/${ref}/acknowledge`, { cookie: dave.cookie, csrf: dave.csrf, body: {} });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('this needs the responder role; user "dave" has viewer');
    const alice = await login('alice');
    const acked = await call('POST', `/api/v1/incidents/${ref}/acknowledge`, { cookie: alice.cookie, csrf: alice.csrf, body: {} });
    expect([acked.status, acked.body.status]).toEqual([200, 'acknowledged']);
    const actors = await db.db.selectFrom('incident_events').select('actor').execute();
    expect(actors.map((e) => e.actor)).toContain('user:alice');
    expect(actors.map((e) => e.actor)).not.toContain('user:dave');
  });

  it('ends after 12 hours idle, writing last_seen_at at most once a minute', async () => {
    const s = await login('dave');
    const lastSeen = async () => (await db.db.selectFrom('web_sessions').select('last_seen_at').where('id', '=', hashSecret(s.secret!)).executeTakeFirstOrThrow()).last_seen_at.toISOString();
    const start = clock.now().toISOString();
    clock.advance(30_000);
    expect((await call('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(start);
    clock.advance(40_000);
    expect((await call('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(clock.now().toISOString());
    clock.advance(12 * H - 1000);
    expect((await call('GET', '/api/v1/session', { cookie: s.cookie })).status).toBe(200);
    clock.advance(12 * H + 1000);
    const expired = await call('GET', '/api/v1/me', { cookie: s.cookie });
    expect([expired.status, expired.body.message]).toEqual([401, 'the session has ended or expired; sign in again']);
  });

  it('ends 7 days after sign-in however busy it is', async () => {
    const s = await login('dave');
    for (let day = 0; day < 14; day++) {
      clock.advance(11 * H);
      expect((await call('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(200);
    }
    clock.advance(7 * 24 * H - 14 * 11 * H);
    expect((await call('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(401);
  });

  it('signs out: the row goes, the cookie is cleared, and the session stops working at once', async () => {
    const s = await login('alice');
    expect((await call('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(200);
    expect((await call('DELETE', '/api/v1/session', { cookie: s.cookie })).status).toBe(403);
    const out = await call('DELETE', '/api/v1/session', { cookie: s.cookie, csrf: s.csrf });
    expect(out.status).toBe(204);
    expect(out.setCookie[0]).toMatch(/^warroom_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(await db.db.selectFrom('web_sessions').select('id').where('id', '=', hashSecret(s.secret!)).executeTakeFirst()).toBeUndefined();
    expect((await call('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(401);
    expect((await call('DELETE', '/api/v1/session', { cookie: s.cookie })).status).toBe(204);
    expect((await audit('session.logout')).at(-1)).toMatchObject({ actor: 'user:alice', target_id: 'alice' });
  });

  it('lists the session routes in the OpenAPI document', async () => {
    const doc = (await call('GET', '/docs/json')).body;
    expect(doc.paths['/api/v1/session'].post.tags).toEqual(['access']);
    expect(Object.keys(doc.paths['/api/v1/session'])).toEqual(expect.arrayContaining(['get', 'post', 'delete']));
  });
});

describe('start-up and secrecy', () => {
  it('warns at start-up about users with the demo password', () => {
    const warnings = logLines.filter((line) => line.includes('DEMO SECRET IN USE'));
    expect(warnings.join('\n')).toContain('user \\"demo\\" has the public demo password');
    expect(warnings.join('\n')).not.toContain('alice');
  });

  it('never logs or echoes a password, cookie secret or CSRF token', async () => {
    const s = await login('alice');
    const short = await call('POST', '/api/v1/me/password', { cookie: s.cookie, csrf: s.csrf, body: { current: PASSWORD, new: 'tiny-pw' } });
    expect(short.status).toBe(400);
    expect(short.text).not.toContain('tiny-pw');
    const wrong = await login('alice', 'leaky-password-99');
    expect(wrong.text).not.toContain('leaky-password-99');
    const all = logLines.join('\n');
    for (const secret of [PASSWORD, 'leaky-password-99', 'tiny-pw', s.secret!, s.csrf, 'wrong-password-1']) expect(all).not.toContain(secret);
    const auditText = JSON.stringify(await db.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [PASSWORD, 'leaky-password-99', s.secret!, s.csrf]) expect(auditText).not.toContain(secret);
  });
});
