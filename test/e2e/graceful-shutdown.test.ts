import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort, startServerProcess } from '../helpers/server-process.js';
import { alertmanagerPayload } from '../helpers/test-app.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

describe('SIGTERM under load', () => {
  it('every alert answered 200 is stored, and nothing is half-written', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const server = await startServerProcess({ ...process.env, DATABASE_URL: t.url, WARROOM_CONFIG: 'examples/warroom.yaml' }, port);
    const accepted: string[] = [];
    let answered = 0;
    const send = async (i: number) => {
      const body = alertmanagerPayload([{ labels: { alertname: `Load${i % 7}`, cluster: 'prod', instance: `i-${i}`, severity: 'warning' }, fingerprint: `fp-${i}` }]);
      try {
        const reply = await fetch(`${server.url}/api/v1/integrations/alertmanager/demo-checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (reply.status === 200) accepted.push(`fp-${i}`);
      } catch {
        // refused or reset once the server stopped listening: the sender would retry
      }
      answered += 1;
      if (answered === 150) server.child.kill('SIGTERM');
    };
    const queue = Array.from({ length: 600 }, (_, i) => i);
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await send(next);
    }));
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('warroom stopped');
    expect(accepted.length).toBeGreaterThanOrEqual(150);

    const stored = new Set((await t.db.selectFrom('alerts').select('fingerprint').execute()).map((a) => a.fingerprint));
    expect(accepted.filter((fp) => !stored.has(fp))).toEqual([]);
    // Whole batches or nothing: every alert has its incident, and every counter matches its alerts.
    const mismatched = await sql<{ id: string }>`
      select i.id from incidents i
      left join alerts a on a.incident_id = i.id
      group by i.id, i.alert_count
      having count(a.id) <> i.alert_count`.execute(t.db);
    expect(mismatched.rows).toEqual([]);
    expect(await t.db.selectFrom('alerts').select('id').where('incident_id', 'is', null).execute()).toEqual([]);
  });
});
