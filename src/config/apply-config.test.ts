import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { hashSecret } from '../kernel/index.js';
import { applyConfig } from './apply-config.js';
import { formatChanges } from './config-diff.js';
import { parseConfigText } from './load-config.js';
import { ConfigError } from './config-error.js';

const BASE = `
users:
  - { id: alice, name: Alice, email: alice@example.com, role: admin }
  - { id: bob, name: Bob }
teams:
  - { id: core, name: Core, lead: alice, members: [alice, bob] }
services:
  - { id: api, name: API, owner: alice, team: core, depends_on: [db], integration_keys: [{ key: secret-key-api-1, name: prom }] }
  - { id: db, name: DB }
api_tokens:
  - { name: ops, token: super-secret-token-1, role: responder }
`;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const apply = (text: string, dryRun = false) => applyConfig(t.db, parseConfigText(text, 'warroom.yaml'), { dryRun, actor: 'test', now: new Date() });

describe('warroom apply', () => {
  it('a dry run shows the diff and writes nothing', async () => {
    const result = await apply(BASE, true);
    expect(result.applied).toBe(false);
    const text = formatChanges(result.changes);
    expect(text).toContain('+ user alice');
    expect(text).toContain('+ service api');
    expect(text).toContain('+ integration_key api/prom (secr…-1)');
    expect(text).not.toContain('secret-key-api-1');
    expect(await t.db.selectFrom('users').select('id').execute()).toHaveLength(0);
  });

  it('applies, and applying again changes nothing', async () => {
    const first = await apply(BASE);
    expect(first.applied).toBe(true);
    expect(first.changes.every((c) => c.kind === 'create')).toBe(true);
    const second = await apply(BASE);
    expect(second).toEqual({ changes: [], applied: false });
    const key = await t.db.selectFrom('integration_keys').selectAll().executeTakeFirstOrThrow();
    expect(key.key_hash).toBe(hashSecret('secret-key-api-1'));
    const deps = await t.db.selectFrom('service_dependencies').selectAll().execute();
    expect(deps).toEqual([{ service_id: 'api', depends_on_id: 'db' }]);
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'config.apply').execute();
    expect(audit).toHaveLength(1);
  });

  it('updates changed fields, deletes what the config dropped, and leaves API-made objects alone', async () => {
    await t.db.insertInto('users').values({ id: 'zed', name: 'Zed (made in the UI)', timezone: 'UTC', role: 'viewer', chat_ids: '{}', managed_by: 'api' }).execute();
    const next = BASE.replace('{ id: bob, name: Bob }', '{ id: bob, name: Robert, timezone: Europe/Berlin }')
      .replace('members: [alice, bob]', 'members: [alice]')
      .replace(/api_tokens:[\s\S]*$/, '');
    const result = await apply(next);
    expect(formatChanges(result.changes).split('\n')).toEqual([
      '~ user bob (name, timezone)',
      '~ team core (members)',
      '- api_token ops',
    ]);
    expect(await t.db.selectFrom('api_tokens').select('name').execute()).toHaveLength(0);
    expect((await t.db.selectFrom('users').select('name').where('id', '=', 'zed').executeTakeFirst())?.name).toBe('Zed (made in the UI)');
  });

  it('refuses to delete a service that has incidents, and rolls back entirely', async () => {
    await sql`insert into incidents (title, service_id, severity, category, status, priority_score, impact, source, response_sla_ms, sla_due_at, created_at, updated_at)
      values ('x', 'db', 'P2', 'data', 'triggered', 80, 'few_users', 'manual', 60000, now(), now(), now())`.execute(t.db);
    const withoutDb = BASE.replace(', depends_on: [db]', '').replace('  - { id: db, name: DB }\n', '').replace('{ id: bob, name: Bob }', '{ id: bob, name: Bobby }');
    await expect(apply(withoutDb)).rejects.toThrow(/refusing to delete services that have incident history: db \(1 incidents\)/);
    expect((await t.db.selectFrom('users').select('name').where('id', '=', 'bob').executeTakeFirst())?.name).toBe('Robert');
  });
});

describe('warroom apply: password hashes', () => {
  const HASH_A = '$argon2id$v=19$m=19456,t=2,p=1$RPvqndFd+BFEdZcxgOLs7Q$wKi9f+Si2XKLfSKqznev/ltFkrk+qggeK6QQV3jcm9k';
  const HASH_B = '$argon2id$v=19$m=19456,t=2,p=1$YaxJxFPurTKDPFMzeLltkw$1XhGi4rBDMdsLfRpM8E3ZabwLUebOLw+OdPqf1f6jl4';
  const API_HASH = '$argon2id$v=19$m=19456,t=2,p=1$orym86vDBiguWVmU/xUIMw$DLY2JADqPCMtL9zllWk9SYfA6UHipx284BGHKNZ2M0g';
  const users = (alice: string, bob: string) => `
users:
  - { id: alice, name: Alice${alice ? `, password_hash: "${alice}"` : ''} }
  - { id: bob, name: Bob${bob ? `, password_hash: "${bob}"` : ''} }
`;
  let p: TestDatabase;
  beforeAll(async () => {
    p = await createTestDatabase();
  });
  afterAll(async () => p?.drop());
  const applyTo = (text: string) => applyConfig(p.db, parseConfigText(text, 'warroom.yaml'), { dryRun: false, actor: 'test', now: new Date() });
  const passwords = async () =>
    Object.fromEntries((await p.db.selectFrom('users').select(['id', 'password_hash', 'password_set_by']).orderBy('id').execute()).map((u) => [u.id, [u.password_hash, u.password_set_by]]));

  it('sets a hash from the config, and keeps one set through the API when the config has none', async () => {
    await applyTo(users(HASH_A, ''));
    expect(await passwords()).toEqual({ alice: [HASH_A, 'config'], bob: [null, null] });
    await p.db.updateTable('users').set({ password_hash: API_HASH, password_set_by: 'api' }).where('id', '=', 'bob').execute();
    expect(await applyTo(users(HASH_A, ''))).toEqual({ changes: [], applied: false });
    await applyTo(users(HASH_A, '').replace('name: Bob', 'name: Bobby'));
    expect(await passwords()).toEqual({ alice: [HASH_A, 'config'], bob: [API_HASH, 'api'] });
  });

  it('replaces any hash when the config names one, ending that user\'s sessions, and drops a config hash the config dropped', async () => {
    const now = new Date();
    await p.db.insertInto('web_sessions').values({ id: 'bob-session', user_id: 'bob', csrf_token: 'x', created_at: now, last_seen_at: now, expires_at: now }).execute();
    const result = await applyTo(users(HASH_A, HASH_B));
    expect(formatChanges(result.changes)).toBe('~ user bob (name, password_hash)');
    expect(formatChanges(result.changes)).not.toContain('argon2');
    expect(await passwords()).toEqual({ alice: [HASH_A, 'config'], bob: [HASH_B, 'config'] });
    expect(await p.db.selectFrom('web_sessions').select('id').execute()).toEqual([]);
    await applyTo(users('', HASH_B));
    expect(await passwords()).toEqual({ alice: [null, null], bob: [HASH_B, 'config'] });
  });

  it('rejects a password_hash that is not an argon2id hash, naming the path and not the value', () => {
    for (const bad of ['plain-text-password', '$argon2i$v=19$m=19456,t=2,p=1$RPvqndFd+BFEdZcxgOLs7Q$wKi9f+Si2XKLfSKqznev/ltFkrk+qggeK6QQV3jcm9k', '$2b$12$abcdefghijklmnopqrstuu']) {
      let error: unknown;
      try {
        parseConfigText(users('', bad), 'warroom.yaml');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^warroom\.yaml:4: users\[1\]\.password_hash: must be an argon2id hash/);
      expect((error as Error).message).not.toContain(bad);
    }
  });
});
