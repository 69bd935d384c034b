import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { hashSecret } from '../kernel/index.js';
import { applyConfig } from './apply-config.js';
import { formatChanges } from './config-diff.js';
import { parseConfigText } from './load-config.js';

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
