import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilio, type FakeTwilio } from '../../src/providers/testing/fake-twilio.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { alertmanagerPayload } from '../helpers/test-app.js';
import { waitUntil } from '../helpers/wait-until.js';

const TOKEN = 'kill-test-twilio-token';
const LEVEL_DELAY_MS = 8_000;
let t: TestDatabase;
let twilio: FakeTwilio;
let server: ServerProcess | null = null;

beforeAll(async () => {
  t = await createTestDatabase();
  twilio = await startFakeTwilio({ authToken: TOKEN });
});
afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await twilio?.close();
  await t?.drop();
});

describe('kill -9 in the middle of an escalation', () => {
  it('pages level 2 on time after a restart, and never pages level 1 twice', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warroom-kill-'));
    const config = join(dir, 'warroom.yaml');
    await writeFile(config, `
users:
  - { id: first, name: First, phone: "+15557770001" }
  - { id: second, name: Second, phone: "+15557770002" }
escalation_policies:
  - id: two-levels
    name: Two levels
    levels:
      - { targets: [{ user: first }], escalate_after: ${LEVEL_DELAY_MS / 1000}s }
      - { targets: [{ user: second }] }
services:
  - { id: api, name: API, escalation_policy: two-levels, integration_keys: [{ key: kill-test-key-01 }] }
notifications:
  severity_policy: { P0: { channels: [voice], escalate_after: ${LEVEL_DELAY_MS / 1000}s } }
channels:
  twilio: { account_sid: ${twilio.accountSid}, auth_token: ${TOKEN}, from: "+15550000000", base_url: "${twilio.url}" }
`);
    const env = { ...process.env, DATABASE_URL: t.url, WARROOM_CONFIG: config, WARROOM_WORKER_POLL_MS: '200' };
    const port = await freePort();
    server = await startServerProcess(env, port);
    const alert = await fetch(`${server.url}/api/v1/integrations/alertmanager/kill-test-key-01`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerPayload([{ labels: { alertname: 'ApiDown', severity: 'critical' } }])),
    });
    expect(alert.status).toBe(200);

    const callsTo = (phone: string) => twilio.calls().filter((c) => c.to === phone);
    await waitUntil('level 1 is paged', async () => callsTo('+15557770001'), (calls) => calls.length === 1, { timeoutMs: 15_000, intervalMs: 50 });
    const level1At = callsTo('+15557770001')[0]!.at.getTime();
    // Wait until the page is recorded as sent, then kill without warning.
    await waitUntil('the page is recorded', async () => (await t.db.selectFrom('notifications').select('status').execute()).map((n) => n.status), (s) => s.includes('sent'));
    server.child.kill('SIGKILL');
    await server.exited;

    server = await startServerProcess(env, port);
    await waitUntil('level 2 is paged', async () => callsTo('+15557770002'), (calls) => calls.length === 1, { timeoutMs: 30_000, intervalMs: 50 });
    const lateness = callsTo('+15557770002')[0]!.at.getTime() - (level1At + LEVEL_DELAY_MS);
    expect(lateness).toBeGreaterThan(-1000);
    expect(lateness).toBeLessThan(2000);
    // Give a duplicate every chance to appear before counting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(callsTo('+15557770001')).toHaveLength(1);
    expect(callsTo('+15557770002')).toHaveLength(1);
  });
});
