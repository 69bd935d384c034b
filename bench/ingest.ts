/**
 * Alert ingestion throughput against a durable Postgres (fsync on). Prints figures; asserts nothing.
 *
 *   npm run bench:ingest                     # embedded Postgres in a temp dir
 *   DATABASE_URL=postgres://… npm run bench:ingest   # scratch database warroom_bench_* on that server
 *
 * BENCH_SECONDS (default 10) bounds each scenario.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp, type RunningApp } from '../src/app.js';
import { silentLogger } from '../src/kernel/index.js';
import { RULES_PATH, loadRuleCatalogue } from './lib/alert-catalogue.js';
import { openBenchDatabase } from './lib/bench-database.js';
import { cpuBetween, takeCpuSnapshot, type CpuSnapshot } from './lib/cpu-sampler.js';
import type { LoadResult } from './lib/load-client.js';
import type { LoadPlan } from './lib/load-plan.js';
import { LoadThread } from './lib/load-thread.js';
import { figuresOf, formatOutcomes, formatTable, mib, type ScenarioFigures } from './lib/report.js';

const INTEGRATION_KEY = 'bench-platform-key-0001';
const GROUP_BY = ['alertname', 'instance'];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DRAIN_TIMEOUT_MS = 30_000;

const CONFIG = `
users:
  - { id: oncall, name: On-call, email: oncall@example.com, role: admin }
services:
  - id: platform
    name: Platform
    owner: oncall
    integration_keys: [{ key: ${INTEGRATION_KEY} }]
    grouping: { group_by: [${GROUP_BY.join(', ')}], window: 5m }
`;

function plan(overrides: Partial<LoadPlan> & Pick<LoadPlan, 'name' | 'kind' | 'fleet'>): LoadPlan {
  return {
    concurrency: 64,
    maxRequests: 50_000,
    durationMs: SECONDS * 1000,
    graceMs: 15_000,
    batchSize: 1,
    replayCount: 1,
    integrationKey: INTEGRATION_KEY,
    groupBy: GROUP_BY,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    rulesPath: RULES_PATH,
    ...overrides,
  };
}

/**
 * A request that goes through the ingest queue behind everything already queued (a PagerDuty
 * resolve of an unknown key, which is ignored): when it returns, the server has committed all
 * earlier work, so the next scenario starts on an idle server.
 */
async function drainIngestQueue(app: RunningApp, timeoutMs = DRAIN_TIMEOUT_MS): Promise<number> {
  const started = performance.now();
  try {
    const response = await fetch(`${app.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routing_key: INTEGRATION_KEY, event_action: 'resolve', dedup_key: `barrier-${Date.now()}` }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.text();
  } catch {
    console.log(`  the server was still busy ${timeoutMs / 1000} s after the scenario; the next one starts on a busy server`);
  }
  return performance.now() - started;
}

async function countRows(app: RunningApp): Promise<Record<string, number>> {
  const tables = ['alerts', 'incidents', 'incident_events', 'incident_links'];
  const { rows } = await app.database.pool.query<Record<string, number>>(`select ${tables.map((t) => `(select count(*) from ${t})::int as ${t}`).join(', ')}`);
  return rows[0] ?? {};
}

/** CPU counters now, Postgres's found through pg_stat_activity (its backends and background processes). */
async function cpuSnapshot(app: RunningApp): Promise<CpuSnapshot> {
  const { rows } = await app.database.pool.query<{ pid: number }>('select pid from pg_stat_activity');
  return takeCpuSnapshot(rows.map((row) => row.pid));
}

async function runScenario(thread: LoadThread, app: RunningApp, scenario: LoadPlan): Promise<{ figures: ScenarioFigures; result: LoadResult }> {
  const before = await cpuSnapshot(app);
  const result = await thread.run(app.url, scenario);
  const cpu = cpuBetween(before, await cpuSnapshot(app));
  const drainMs = await drainIngestQueue(app);
  const figures = figuresOf(result, cpu, drainMs);
  const rows = Object.entries(await countRows(app)).map(([table, count]) => `${table}=${count}`).join(' ');
  console.log(`  ${scenario.name}: ${figures.alertsPerSecond.toFixed(0)} alerts/s, p99 ${figures.p99Ms.toFixed(1)} ms, ${figures.errors} errors, drain ${drainMs.toFixed(0)} ms; rows ${rows}`);
  return { figures, result };
}

async function main(): Promise<void> {
  const rules = await loadRuleCatalogue();
  console.log(`warroom ingest bench: ${rules.length} distinct rules from ${RULES_PATH}`);
  const startedAt = performance.now();

  const database = await openBenchDatabase(process.env, silentLogger);
  const configDir = await mkdtemp(join(tmpdir(), 'warroom-bench-config-'));
  let app: RunningApp | null = null;
  let thread: LoadThread | null = null;
  try {
    const settings = Object.entries(database.settings).map(([name, value]) => `${name}=${value}`).join(' ');
    console.log(`postgres (${database.origin}, database ${database.name}): ${settings}`);
    if (database.settings.fsync !== 'on' || database.settings.synchronous_commit === 'off') {
      console.log('WARNING: this server is not durable (fsync off or synchronous_commit off); figures will flatter warroom');
    }
    const configPath = join(configDir, 'warroom.yaml');
    await writeFile(configPath, CONFIG);
    app = await startApp({ env: { DATABASE_URL: database.url }, port: 0, host: '127.0.0.1', configPath, logger: silentLogger });
    thread = new LoadThread();
    console.log(`app listening on ${app.url}; group_by [${GROUP_BY.join(', ')}]; ${SECONDS} s per scenario\n`);

    // Warm-up (JIT, connection pool, catalogue cache); its alerts stay in the database, as in production.
    await runScenario(thread, app, plan({ name: '0 warm-up', kind: 'alertmanager-single', fleet: 'warm', concurrency: 16, maxRequests: 500, durationMs: 3_000 }));

    const single = await runScenario(thread, app, plan({ name: '1 alertmanager single, new', kind: 'alertmanager-single', fleet: 'node' }));
    const batch = await runScenario(thread, app, plan({ name: '2 alertmanager 100-batch, new', kind: 'alertmanager-batch', fleet: 'batch', batchSize: 100, concurrency: 8, maxRequests: 2_000 }));
    const pagerduty = await runScenario(thread, app, plan({ name: '3 pagerduty events v2, new', kind: 'pagerduty', fleet: 'pd' }));
    // Every request scenario 1 sent was committed by the drain, timed out or not: replay them all.
    const replayCount = single.result.requests;
    const repeat = replayCount > 0
      ? await runScenario(thread, app, plan({ name: '4 alertmanager single, repeat', kind: 'alertmanager-repeat', fleet: 'node', replayCount, maxRequests: 100_000 }))
      : null;

    const all = [single, batch, pagerduty, ...(repeat ? [repeat] : [])];
    console.log(`\n${formatTable(all.map((s) => s.figures))}\n`);
    for (const { result } of all) console.log(formatOutcomes(result));
    const slowDrains = all.filter((s) => s.figures.drainMs > 1_000);
    for (const { figures } of slowDrains) {
      const needed = figures.drainMs >= DRAIN_TIMEOUT_MS ? `more than ${DRAIN_TIMEOUT_MS / 1000} s` : `${(figures.drainMs / 1000).toFixed(1)} s`;
      console.log(`${figures.name}: after the last reply the server needed ${needed} more to commit queued work (from requests that timed out)`);
    }
    console.log('\nnode cpu = whole process (server + load thread); server thread = main thread only; postgres cpu = processes of the Postgres server (pg_stat_activity), blank if remote; 100% = one core');
    const memory = process.memoryUsage();
    console.log(`node RSS ${mib(memory.rss)} (peak ${mib(process.resourceUsage().maxRSS * 1024)}), heap used ${mib(memory.heapUsed)}`);
  } finally {
    await thread?.close();
    await app?.close();
    await database.close();
    await rm(configDir, { recursive: true, force: true });
  }
  console.log(`total run ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}

await main();
