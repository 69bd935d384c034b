import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { hashPassword, verifyPassword } from '../domain/access/index.js';

const PASSWORD = 'config-password-001';
const ADMIN_TOKEN = 'account-admin-token-0001';
const ALICE_VIEWER_TOKEN = 'account-alice-viewer-0001';
const ROBOT_TOKEN = 'account-robot-token-0001';

let h: TestApp;
beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  h = await startTestApp({
    worker: false,
    config: `
users:
  - { id: alice, name: Alice, role: admin, password_hash: "${hash}" }
  - { id: bob, name: Bob, role: responder }
  - { id: dave, name: Dave, role: viewer, password_hash: "${hash}" }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
  - { name: alice-viewer, token: ${ALICE_VIEWER_TOKEN}, role: viewer, user: alice }
  - { name: robot, token: ${ROBOT_TOKEN}, role: responder }
`,
  });
});
afterAll(async () => h?.close());

async function login(user: string, password: string) {
  const response = await fetch(`${h.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
  const body = (await response.json()) as { csrf_token: string };
  const secret = /^warroom_session=([^;]+)/.exec(response.headers.getSetCookie()[0] ?? '')?.[1];
  return { status: response.status, cookie: `warroom_session=${secret}`, csrf: body.csrf_token };
}

/** A request made with a session cookie (and its CSRF token), as the web console makes it. */
const asSession = (s: { cookie: string; csrf: string }, method: string, path: string, body?: unknown) =>
  h.request(method, path, { token: null, body, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });

const audit = async (action: string) => h.db.db.selectFrom('audit_log').select(['actor', 'target_id', 'data']).where('action', '=', action).orderBy('id').execute();

describe('passwords', () => {
  it('lets an admin set a password, which takes sign-in and ends the user\'s sessions', async () => {
    expect((await login('bob', 'bobs-first-password')).status).toBe(401);
    const tooShort = await h.request('PUT', '/api/v1/users/bob/password', { token: ADMIN_TOKEN, body: { password: 'short' } });
    expect([tooShort.status, tooShort.body.message]).toEqual([400, expect.stringContaining('at least 10 characters')]);
    expect((await h.request('PUT', '/api/v1/users/bob/password', { token: ADMIN_TOKEN, body: { password: 'bobs-first-password' } })).status).toBe(204);
    const session = await login('bob', 'bobs-first-password');
    expect(session.status).toBe(200);
    const stored = await h.db.db.selectFrom('users').select(['password_hash', 'password_set_by']).where('id', '=', 'bob').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored.password_set_by).toBe('api');

    expect((await h.request('PUT', '/api/v1/users/bob/password', { token: ADMIN_TOKEN, body: { password: 'bobs-second-password' } })).status).toBe(204);
    expect((await asSession(session, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await audit('user.password_set')).map((a) => [a.actor, a.target_id])).toEqual([['user:alice', 'bob'], ['user:alice', 'bob']]);
    expect((await h.request('PUT', '/api/v1/users/nobody/password', { token: ADMIN_TOKEN, body: { password: 'whatever-password' } })).status).toBe(404);
    expect((await h.request('PUT', '/api/v1/users/bob/password', { token: ROBOT_TOKEN, body: { password: 'whatever-password' } })).status).toBe(403);
  });

  it('changes your own password, keeping this session and ending the others', async () => {
    const here = await login('bob', 'bobs-second-password');
    const elsewhere = await login('bob', 'bobs-second-password');
    const wrong = await asSession(here, 'POST', '/api/v1/me/password', { current: 'not-my-password', new: 'bobs-third-password' });
    expect([wrong.status, wrong.body.message]).toEqual([403, 'the current password is wrong']);
    expect((await asSession(here, 'POST', '/api/v1/me/password', { current: 'bobs-second-password', new: 'bobs-third-password' })).status).toBe(204);
    expect((await asSession(here, 'GET', '/api/v1/me')).status).toBe(200);
    expect((await asSession(elsewhere, 'GET', '/api/v1/me')).status).toBe(401);
    expect((await login('bob', 'bobs-second-password')).status).toBe(401);
    expect((await login('bob', 'bobs-third-password')).status).toBe(200);
    expect((await audit('user.password_change')).at(-1)).toMatchObject({ actor: 'user:bob', target_id: 'bob', data: { sessions_ended: 1 } });
  });

  it('refuses to change a password that warroom.yaml sets, and a token without a user has no password', async () => {
    const dave = await login('dave', PASSWORD);
    const refused = await asSession(dave, 'POST', '/api/v1/me/password', { current: PASSWORD, new: 'daves-new-password' });
    expect([refused.status, refused.body.message]).toEqual([409, expect.stringContaining('warroom.yaml')]);
    expect((await h.request('PUT', '/api/v1/users/dave/password', { token: ADMIN_TOKEN, body: { password: 'daves-new-password' } })).status).toBe(409);
    expect((await h.request('POST', '/api/v1/me/password', { token: ROBOT_TOKEN, body: { current: '', new: 'robots-password-1' } })).status).toBe(403);
  });
});

describe('personal API tokens', () => {
  it('creates a token at your own role by default, shows its secret once, and lists it without the secret', async () => {
    const alice = await login('alice', PASSWORD);
    const created = await asSession(alice, 'POST', '/api/v1/me/tokens', { name: 'laptop' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'laptop', role: 'admin', token: expect.stringMatching(/^wr_/) });
    const me = await h.request('GET', '/api/v1/me', { token: created.body.token });
    expect(me.body).toEqual({ token: 'alice/laptop', role: 'admin', user_id: 'alice', name: 'Alice', via: 'token' });
    const listed = await asSession(alice, 'GET', '/api/v1/me/tokens');
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(['admin', 'alice-viewer', 'laptop']);
    expect(listed.text).not.toContain(created.body.token);
    expect((await asSession(alice, 'POST', '/api/v1/me/tokens', { name: 'laptop' })).status).toBe(409);
  });

  it('caps the role at your own, and at the credential you make the request with', async () => {
    const dave = await login('dave', PASSWORD);
    const above = await asSession(dave, 'POST', '/api/v1/me/tokens', { name: 'laptop', role: 'responder' });
    expect([above.status, above.body.message]).toEqual([403, 'a personal token may have at most the viewer role']);
    const own = await asSession(dave, 'POST', '/api/v1/me/tokens', { name: 'laptop' });
    expect([own.status, own.body.role]).toEqual([201, 'viewer']);
    // Alice is an admin, but this token of hers is a viewer: it must not mint an admin token.
    expect((await h.request('POST', '/api/v1/me/tokens', { token: ALICE_VIEWER_TOKEN, body: { name: 'escalate', role: 'admin' } })).status).toBe(403);
    expect((await h.request('POST', '/api/v1/me/tokens', { token: ROBOT_TOKEN, body: { name: 'robot-2' } })).status).toBe(403);
  });

  it('revokes only your own tokens', async () => {
    const alice = await login('alice', PASSWORD);
    const dave = await login('dave', PASSWORD);
    const daves = (await asSession(dave, 'GET', '/api/v1/me/tokens')).body.items as { id: string; name: string }[];
    const laptop = daves.find((t) => t.name === 'laptop')!;
    expect((await asSession(alice, 'DELETE', `/api/v1/me/tokens/${laptop.id}`)).status).toBe(404);
    const aliceConfigToken = ((await asSession(alice, 'GET', '/api/v1/me/tokens')).body.items as { id: string; name: string }[]).find((t) => t.name === 'admin')!;
    expect((await asSession(alice, 'DELETE', `/api/v1/me/tokens/${aliceConfigToken.id}`)).status).toBe(404);
    expect((await asSession(dave, 'DELETE', `/api/v1/me/tokens/${laptop.id}`)).status).toBe(204);
    expect((await asSession(dave, 'GET', '/api/v1/me/tokens')).body.items).toEqual([]);
    // A revoked token's name may be used again.
    expect((await asSession(dave, 'POST', '/api/v1/me/tokens', { name: 'laptop' })).status).toBe(201);
    expect((await audit('token.revoke')).at(-1)).toMatchObject({ actor: 'user:dave', target_id: laptop.id });
  });

  it('stores only hashes of the passwords it was given', async () => {
    const users = await h.db.db.selectFrom('users').select(['id', 'password_hash']).execute();
    expect(JSON.stringify(users)).not.toMatch(/bobs-(first|second|third)-password/);
    const bob = users.find((u) => u.id === 'bob')!;
    expect(await verifyPassword(bob.password_hash, 'bobs-third-password')).toBe(true);
  });
});
