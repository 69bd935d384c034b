/**
 * First load of the web console's incidents list in headless Chromium, with 300 incidents in the
 * database. Prints figures; asserts nothing.
 *
 *   npm run bench:web                         # embedded Postgres in a temp dir
 *   DATABASE_URL=postgres://… npm run bench:web
 *
 * "cold" is a fresh browser profile (nothing cached, signed in by cookie); "warm" reloads with the
 * hashed assets cached. Time runs from navigation start to the first incident row on screen.
 */
import { hash } from '@node-rs/argon2';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../src/app.js';
import { silentLogger } from '../src/kernel/index.js';
import { openBenchDatabase } from './lib/bench-database.js';
import { launchBrowser } from '../test/helpers/browser.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const INCIDENTS = 300;
const KEY = 'bench-web-key-0001';
const PASSWORD = 'bench password 1';

const database = await openBenchDatabase(process.env, silentLogger);
const dir = await mkdtemp(join(tmpdir(), 'warroom-bench-web-'));
const configPath = join(dir, 'warroom.yaml');
await writeFile(configPath, `
users:
  - { id: oncall, name: On-call, role: responder, password_hash: "${await hash(PASSWORD)}" }
services:
  - { id: platform, name: Platform, owner: oncall, integration_keys: [{ key: ${KEY} }], grouping: { group_by: [alertname, instance], window: 5m } }
`);
const app = await startApp({ env: { ...process.env, DATABASE_URL: database.url }, port: 0, host: '127.0.0.1', configPath, logger: silentLogger });
const browser = await launchBrowser();
try {
  const severities = ['critical', 'error', 'warning', 'info'];
  for (let i = 0; i < INCIDENTS; i += 50) {
    const alerts = Array.from({ length: 50 }, (_, j) => ({
      status: 'firing',
      labels: { alertname: `BenchAlert${i + j}`, instance: `host-${i + j}:9100`, severity: severities[(i + j) % 4]! },
      annotations: { summary: `bench alert ${i + j}` },
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: `bench${i + j}`,
    }));
    const reply = await fetch(`${app.url}/api/v1/integrations/alertmanager/${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '4', status: 'firing', receiver: 'warroom', groupKey: `{}:{i=${i}}`, truncatedAlerts: 0, groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', alerts }),
    });
    if (!reply.ok) throw new Error(`seeding failed: ${reply.status} ${await reply.text()}`);
  }

  const login = await fetch(`${app.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'oncall', password: PASSWORD }) });
  const cookie = /warroom_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`login failed: ${login.status}`);
  const { hostname } = new URL(app.url);

  const measure = async (warm: boolean) => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.addCookies([{ name: 'warroom_session', value: cookie, domain: hostname, path: '/' }]);
    const page = await context.newPage();
    if (warm) {
      await page.goto(`${app.url}/incidents`);
      await page.locator('[data-testid^="incident-row-"]').first().waitFor();
      await page.reload({ waitUntil: 'commit' });
    } else {
      await page.goto(`${app.url}/incidents`, { waitUntil: 'commit' });
    }
    await page.locator('[data-testid^="incident-row-"]').first().waitFor();
    // A string, so this Node-typed file needs no DOM types.
    const figures = await page.evaluate<{ ms: number; bytes: number; rows: number }>(`({
      ms: performance.now(),
      bytes: performance.getEntriesByType('resource').reduce((sum, r) => sum + r.transferSize, 0),
      rows: document.querySelectorAll('[data-testid^="incident-row-"]').length,
    })`);
    await context.close();
    return figures;
  };

  const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
  console.log(`web console first load: ${INCIDENTS} incidents, ${RUNS} runs each, Chromium headless, database ${database.origin}`);
  for (const warm of [false, true]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(warm));
    const ms = runs.map((r) => r.ms);
    // The very first run also pays for the server's and the browser's warm-up, so it is shown apart.
    const rest = ms.slice(1);
    console.log(`  ${warm ? 'warm' : 'cold'}: to first row: first run ${ms[0]!.toFixed(0)} ms; then p50 ${pct(rest, 50).toFixed(0)} ms, p95 ${pct(rest, 95).toFixed(0)} ms, max ${Math.max(...rest).toFixed(0)} ms; ${runs[0]!.rows} rows shown; ${(runs[0]!.bytes / 1024).toFixed(0)} KiB transferred`);
  }
} finally {
  await browser.close();
  await app.close();
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
