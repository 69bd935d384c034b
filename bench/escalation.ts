/**
 * Escalation timeliness under a storm: 1,000 P0 incidents whose level 2 falls due in the same
 * second, against a durable Postgres (fsync on). Prints figures; asserts nothing.
 *
 *   node bin/run-ts.js bench/escalation.ts                 # embedded Postgres in a temp dir per run
 *   DATABASE_URL=postgres://… node bin/run-ts.js bench/escalation.ts   # scratch database warroom_bench_* per run
 *
 * BENCH_CONCURRENCY (default "10,20,40"): one run per WARROOM_WORKER_CONCURRENCY value.
 * BENCH_INCIDENTS (default 1000), BENCH_LEAD_MS (default 3000: T is this far ahead when set),
 * BENCH_LOST_AFTER_S (default 60: a level-2 page later than T + this counts as lost; also bounds the wait).
 * WARROOM_DB_POOL, WARROOM_WORKER_POLL_MS and WARROOM_WORKER_NODE_TIME, when set, pass through to the app.
 * BENCH_PROFILE=1 also samples pg_stat_activity and the event-loop delay during the burst (and lists
 * pg_stat_statements when the server preloads it). BENCH_CPU_PROFILE=dir writes a V8 CPU profile of
 * the main thread over each burst to dir/escalation-c<concurrency>.cpuprofile.
 * BENCH_APP_MODULE=path: take startApp from that module instead of src/app.ts (a modified copy kept
 * outside src/, for experiments).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startApp as defaultStartApp, type RunningApp } from '../src/app.js';
import { silentLogger } from '../src/kernel/index.js';
import { openBenchDatabase } from './lib/bench-database.js';
import { formatProfile, startBurstProfiler, startCpuProfile } from './lib/burst-profiler.js';
import { cpuBetween, takeCpuSnapshot, type CpuSnapshot, type CpuUse } from './lib/cpu-sampler.js';
import { LEVEL_1_STEP, LEVEL_2_STEP, SERVICES, TWILIO_TOKEN, alertFor, fleetConfig, integrationKey } from './lib/escalation-fleet.js';
import { measureBurst, seconds, type BurstFigures } from './lib/escalation-measure.js';
import { mib } from './lib/report.js';
import { TwilioThread } from './lib/twilio-thread.js';

const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '10,20,40').split(',').map((c) => Number(c.trim())).filter((c) => c > 0);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1000);
const LEAD_MS = Number(process.env.BENCH_LEAD_MS ?? 3000);
const LOST_AFTER_MS = Number(process.env.BENCH_LOST_AFTER_S ?? 60) * 1000;
const PROFILE = process.env.BENCH_PROFILE === '1';
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
const startApp: typeof defaultStartApp = process.env.BENCH_APP_MODULE
  ? ((await import(pathToFileURL(resolve(process.env.BENCH_APP_MODULE)).href)) as { startApp: typeof defaultStartApp }).startApp
  : defaultStartApp;
const PASS_THROUGH = ['WARROOM_DB_POOL', 'WARROOM_WORKER_POLL_MS', 'WARROOM_WORKER_NODE_TIME'] as const;

interface RunFigures {
  concurrency: number;
  env: Record<string, string>;
  burst: BurstFigures;
  cpu: CpuUse;
  peakRssBytes: number;
}

/** Polls until accept() holds or the time runs out; never throws, since the bench only reports. */
async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, intervalMs = 200): Promise<{ value: T; timedOut: boolean }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return { value, timedOut: false };
    if (performance.now() >= deadline) return { value, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const count = async (pool: pg.Pool, sql: string, params: unknown[] = []) => (await pool.query<{ n: number }>(sql, params)).rows[0]!.n;
const sentAtStep = (pool: pg.Pool, step: string) => count(pool, `select count(*)::int as n from notifications where step = $1 and status = 'sent'`, [step]);

/** 1,000 Alertmanager notifications, 16 in flight, spread over the services' integration keys. */
async function createIncidents(url: string): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  let next = 0;
  const lane = async () => {
    while (next < INCIDENTS) {
      const n = next++;
      const response = await fetch(`${url}/api/v1/integrations/alertmanager/${integrationKey(n % SERVICES)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alertFor(n)),
        signal: AbortSignal.timeout(30_000),
      }).catch((error: Error) => ({ status: 0, json: async () => ({ error: error.message }) }));
      const body = (await response.json()) as { results?: { outcome: string }[] };
      if (response.status !== 200) outcomes[`http ${response.status}`] = (outcomes[`http ${response.status}`] ?? 0) + 1;
      for (const result of body.results ?? []) outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return outcomes;
}

/**
 * Makes every level 2 fall due at one instant T. A bench-only manipulation of two tables the app
 * owns: the escalation row's next_step_at (runEscalationStep does nothing if the step is more than
 * 1 s in the future, so it must agree with the job) and the pending graphile-worker job that
 * carries the step (key escalation:<incident id>; run_at is when a worker may take it). Both change
 * in one transaction, only for escalations waiting at level 2 whose job is not locked. Updating
 * run_at sends no NOTIFY, exactly like a job that was scheduled 10 minutes ago and now falls due:
 * the worker finds these jobs only by polling (WARROOM_WORKER_POLL_MS).
 */
async function moveLevel2To(pool: pg.Pool, dueAt: Date): Promise<{ escalations: number; jobs: number }> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const escalations = await client.query<{ incident_id: string }>(
      `update escalations set next_step_at = $1 where state = 'active' and level = 1 returning incident_id`,
      [dueAt],
    );
    const keys = escalations.rows.map((row) => `escalation:${row.incident_id}`);
    const jobs = await client.query('update graphile_worker._private_jobs set run_at = $1 where key = any($2::text[]) and locked_at is null', [dueAt, keys]);
    await client.query('commit');
    return { escalations: escalations.rowCount ?? 0, jobs: jobs.rowCount ?? 0 };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

async function cpuSnapshot(pool: pg.Pool): Promise<CpuSnapshot> {
  const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity');
  return takeCpuSnapshot(rows.map((row) => row.pid));
}

async function runOnce(concurrency: number): Promise<RunFigures> {
  const database = await openBenchDatabase(process.env, silentLogger);
  const configDir = await mkdtemp(join(tmpdir(), 'warroom-bench-config-'));
  let twilio: Awaited<ReturnType<typeof TwilioThread.start>> | null = null;
  let app: RunningApp | null = null;
  const env: Record<string, string> = { WARROOM_WORKER_CONCURRENCY: String(concurrency) };
  for (const name of PASS_THROUGH) if (process.env[name]) env[name] = process.env[name]!;
  try {
    const fake = await TwilioThread.start(TWILIO_TOKEN);
    twilio = fake;
    const configPath = join(configDir, 'warroom.yaml');
    await writeFile(configPath, fleetConfig(fake));
    app = await startApp({ env: { DATABASE_URL: database.url, ...env }, port: 0, host: '127.0.0.1', configPath, logger: silentLogger });
    const pool = app.database.pool;
    console.log(`\n== worker concurrency ${concurrency} (${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}); postgres ${database.origin}, database ${database.name}, fsync=${database.settings.fsync}, synchronous_commit=${database.settings.synchronous_commit}`);
    if (database.settings.fsync !== 'on' || database.settings.synchronous_commit === 'off') {
      console.log('  WARNING: this server is not durable (fsync off or synchronous_commit off); figures will flatter warroom');
    }

    const createStarted = performance.now();
    const outcomes = await createIncidents(app.url);
    const createS = (performance.now() - createStarted) / 1000;
    const severities = (await pool.query<{ severity: string; n: number }>('select severity, count(*)::int as n from incidents group by severity')).rows;
    console.log(`  created in ${createS.toFixed(1)} s: ${Object.entries(outcomes).map(([k, v]) => `${k}=${v}`).join(' ')}; incidents by severity ${severities.map((s) => `${s.severity}=${s.n}`).join(' ')}`);
    const p0 = severities.find((s) => s.severity === 'P0')?.n ?? 0;

    const level1 = await waitFor(() => sentAtStep(pool, LEVEL_1_STEP), (n) => n >= p0, 120_000);
    const level1S = (performance.now() - createStarted) / 1000;
    const quiet = await waitFor(() => count(pool, 'select count(*)::int as n from graphile_worker.jobs where run_at <= now()'), (n) => n === 0, 15_000);
    console.log(`  level 1: ${level1.value}/${p0} pages sent ${level1.timedOut ? 'before the 120 s wait ran out' : `${level1S.toFixed(1)} s after the first alert`}; ${quiet.value} jobs still due`);

    const dueAt = new Date(Date.now() + LEAD_MS);
    const moved = await moveLevel2To(pool, dueAt);
    console.log(`  level 2 of ${moved.escalations} escalations (${moved.jobs} jobs) moved to T = ${dueAt.toISOString()}`);

    let peakRss = process.memoryUsage().rss;
    const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt.getTime() - Date.now())));
    const profiler = PROFILE ? await startBurstProfiler(database.url) : null;
    const stopCpuProfile = CPU_PROFILE_DIR ? await startCpuProfile(join(CPU_PROFILE_DIR, `escalation-c${concurrency}.cpuprofile`)) : null;
    const before = await cpuSnapshot(pool);
    // Each level-1 page was one call; the burst is over when every level 2 has one as well.
    const expectedCalls = level1.value + moved.escalations;
    const calls = await waitFor(() => fake.count(), (n) => n >= expectedCalls, dueAt.getTime() + LOST_AFTER_MS - Date.now(), 100);
    const cpu = cpuBetween(before, await cpuSnapshot(pool));
    await stopCpuProfile?.();
    const profile = await profiler?.stop();
    await waitFor(() => sentAtStep(pool, LEVEL_2_STEP), (n) => n >= moved.escalations, 5_000);
    // Give a duplicate every chance to appear before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    clearInterval(rssSampler);
    console.log(`  level 2: ${calls.value - level1.value}/${moved.escalations} calls ${calls.timedOut ? `when the ${LOST_AFTER_MS / 1000} s wait ran out` : `${seconds(Date.now() - dueAt.getTime(), 1)} s after T (including the 1.5 s duplicate watch)`}`);

    const burst = await measureBurst(pool, await fake.calls(), dueAt.getTime(), LOST_AFTER_MS);
    printRun(burst, cpu, peakRss);
    if (profile) console.log(formatProfile(profile, moved.escalations));
    return { concurrency, env, burst, cpu, peakRssBytes: peakRss };
  } finally {
    await app?.close();
    await twilio?.close();
    await database.close();
    await rm(configDir, { recursive: true, force: true });
  }
}

function printRun(burst: BurstFigures, cpu: CpuUse, peakRss: number): void {
  const line = (name: string, s: BurstFigures['callLateness']) =>
    `  ${name.padEnd(34)} min ${seconds(s.min)}  p50 ${seconds(s.p50)}  p90 ${seconds(s.p90)}  p99 ${seconds(s.p99)}  max ${seconds(s.max)} s  (n=${s.count})`;
  console.log(line('call lateness (fake Twilio − T)', burst.callLateness));
  console.log(line('sent_at lateness (sent_at − T)', burst.sentLateness));
  console.log(line('  step ran (created_at − T)', burst.stepLateness));
  console.log(line('  send (sent_at − created_at)', burst.sendDelay));
  console.log(line('level 1 (call − incident created)', burst.level1Delay));
  console.log(`  ${burst.pagesPerSecond.toFixed(0)} level-2 pages/s; lost ${burst.lost}, duplicated level 1 ${burst.duplicatedLevel1}, duplicated level 2 ${burst.duplicatedLevel2}, misdirected ${burst.misdirected}`);
  console.log(`  level-2 notifications ${JSON.stringify(burst.level2Statuses)}; escalations ${JSON.stringify(burst.escalationStates)}`);
  const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(0)}%`);
  console.log(`  burst cpu: node ${pct(cpu.processPct)} (main thread ${pct(cpu.mainThreadPct)}), postgres ${pct(cpu.postgresPct)}; node RSS peak during burst ${mib(peakRss)}`);
}

function printSummary(runs: RunFigures[]): void {
  const columns: [string, (r: RunFigures) => string][] = [
    ['concurrency', (r) => String(r.concurrency)],
    ['pool', (r) => r.env.WARROOM_DB_POOL ?? String(Math.max(20, Number(r.env.WARROOM_WORKER_CONCURRENCY ?? 10) + 10))],
    ['poll ms', (r) => r.env.WARROOM_WORKER_POLL_MS ?? '250'],
    ['pages', (r) => String(r.burst.callLateness.count)],
    ['p50 s', (r) => seconds(r.burst.callLateness.p50)],
    ['p90 s', (r) => seconds(r.burst.callLateness.p90)],
    ['p99 s', (r) => seconds(r.burst.callLateness.p99)],
    ['max s', (r) => seconds(r.burst.callLateness.max)],
    ['sent p99 s', (r) => seconds(r.burst.sentLateness.p99)],
    ['step p99 s', (r) => seconds(r.burst.stepLateness.p99)],
    ['pages/s', (r) => r.burst.pagesPerSecond.toFixed(0)],
    ['lost', (r) => String(r.burst.lost)],
    ['dup L1', (r) => String(r.burst.duplicatedLevel1)],
    ['dup L2', (r) => String(r.burst.duplicatedLevel2)],
    ['node cpu', (r) => `${r.cpu.processPct.toFixed(0)}%`],
    ['pg cpu', (r) => (r.cpu.postgresPct === null ? '-' : `${r.cpu.postgresPct.toFixed(0)}%`)],
    ['RSS', (r) => mib(r.peakRssBytes)],
  ];
  const cells = [columns.map(([title]) => title), ...runs.map((run) => columns.map(([, cell]) => cell(run)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const format = (row: string[]) => row.map((value, i) => value.padStart(widths[i]!)).join('  ');
  console.log(['', format(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(format)].join('\n'));
  console.log('lateness = fake Twilio call time − T (first level-2 call per incident); sent p99 uses notifications.sent_at; step p99 = when the escalation-step ran (notifications.created_at − T).');
  console.log(`cpu over the burst, 100% = one core; node = whole process incl. the fake-Twilio thread. Lost = no level-2 call within ${LOST_AFTER_MS / 1000} s of T.`);
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  if (process.env.BENCH_APP_MODULE) console.log(`startApp from ${process.env.BENCH_APP_MODULE}, not src/app.ts`);
  console.log(`warroom escalation bench: ${INCIDENTS} P0 incidents, ${SERVICES} two-level policies (50 users), level 2 due for all at one instant; worker concurrency ${CONCURRENCIES.join(', ')}`);
  const runs: RunFigures[] = [];
  for (const concurrency of CONCURRENCIES) runs.push(await runOnce(concurrency));
  printSummary(runs);
  const memory = process.memoryUsage();
  console.log(`node RSS ${mib(memory.rss)} (peak ${mib(process.resourceUsage().maxRSS * 1024)}), heap used ${mib(memory.heapUsed)}; total run ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
}

await main();
