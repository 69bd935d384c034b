import { monitorEventLoopDelay } from 'node:perf_hooks';
import pg from 'pg';

export interface BurstProfile {
  samples: number;
  /** Mean number of this database's backends per state ("active", "idle in transaction", "idle"). */
  meanBackends: Record<string, number>;
  /** Share of active-backend samples by wait event ("CPU" when not waiting), most frequent first. */
  activeWaits: [string, number][];
  /** Share of active-backend samples by statement (first 70 characters), most frequent first. */
  activeStatements: [string, number][];
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Transactions this database committed during the burst (pg_stat_database.xact_commit). */
  commits: number;
  /** Top statements by total execution time, when the server preloads pg_stat_statements. */
  statements: { query: string; calls: number; totalMs: number; meanMs: number }[] | null;
}

/**
 * Where the time goes during a burst: samples pg_stat_activity on its own connection every
 * `intervalMs` (so no pool slot is taken) and the main thread's event-loop delay. "idle in
 * transaction" backends are waiting on Node between statements; "active" ones are working or
 * waiting inside Postgres (WALWrite, Lock…).
 */
export async function startBurstProfiler(url: string, intervalMs = 20): Promise<{ stop(): Promise<BurstProfile> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const commitsNow = async () =>
    (await client.query<{ n: number }>('select xact_commit::int as n from pg_stat_database where datname = current_database()')).rows[0]!.n;
  // pg_stat_statements only works when the server preloads it (a lab server; never the default).
  let statementsAvailable = false;
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
    statementsAvailable = true;
  } catch {
    statementsAvailable = false;
  }
  const commitsBefore = await commitsNow();
  const resolutionMs = 10;
  const loop = monitorEventLoopDelay({ resolution: resolutionMs });
  loop.enable();
  const states = new Map<string, number>();
  const waits = new Map<string, number>();
  const statementSamples = new Map<string, number>();
  let samples = 0;
  let active = 0;
  let running = true;
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const sampling = (async () => {
    while (running) {
      const { rows } = await client.query<{ state: string | null; wait: string | null; query: string }>(
        `select state, wait_event_type || ':' || wait_event as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as query
         from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      samples += 1;
      for (const row of rows) {
        bump(states, row.state ?? 'unknown');
        if (row.state !== 'active') continue;
        active += 1;
        bump(waits, row.wait ?? 'CPU');
        bump(statementSamples, row.query);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  const share = (map: Map<string, number>, total: number): [string, number][] =>
    [...map].sort((a, b) => b[1] - a[1]).map(([key, n]) => [key, n / Math.max(1, total)]);
  return {
    async stop() {
      running = false;
      await sampling;
      // pg_stat_database is flushed by backends when they go idle; give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      // Less the profiler's own read-only queries (each sample, and the commitsNow that read the count).
      const commits = (await commitsNow()) - commitsBefore - samples - 1;
      const statements = statementsAvailable
        ? (
            await client.query<{ query: string; calls: number; total: number }>(
              `select left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as query, calls::int, total_exec_time as total
               from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
               order by total_exec_time desc limit 15`,
            )
          ).rows.map((row) => ({ query: row.query, calls: row.calls, totalMs: row.total, meanMs: row.total / Math.max(1, row.calls) }))
        : null;
      await client.end();
      loop.disable();
      return {
        samples,
        commits,
        statements,
        meanBackends: Object.fromEntries([...states].map(([state, n]) => [state, n / Math.max(1, samples)])),
        activeWaits: share(waits, active),
        activeStatements: share(statementSamples, active),
        // The histogram holds whole timer intervals; the delay is what exceeds the resolution.
        eventLoopDelayMs: {
          p50: Math.max(0, loop.percentile(50) / 1e6 - resolutionMs),
          p99: Math.max(0, loop.percentile(99) / 1e6 - resolutionMs),
          max: Math.max(0, loop.max / 1e6 - resolutionMs),
        },
      };
    },
  };
}

export function formatProfile(profile: BurstProfile, pages: number): string {
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  const backends = Object.entries(profile.meanBackends).map(([state, mean]) => `${state} ${mean.toFixed(1)}`).join(', ');
  return [
    `  profile (${profile.samples} samples): mean backends ${backends}`,
    `  active backends waiting on: ${profile.activeWaits.slice(0, 6).map(([wait, share]) => `${wait} ${pct(share)}`).join(', ')}`,
    '  active statements:',
    ...profile.activeStatements.slice(0, 8).map(([statement, share]) => `    ${pct(share).padStart(4)}  ${statement}`),
    `  event-loop delay p50 ${profile.eventLoopDelayMs.p50.toFixed(1)} ms, p99 ${profile.eventLoopDelayMs.p99.toFixed(1)} ms, max ${profile.eventLoopDelayMs.max.toFixed(1)} ms`,
    `  ${profile.commits} commits during the burst, ${(profile.commits / Math.max(1, pages)).toFixed(1)} per level-2 page`,
    ...(profile.statements
      ? ['  pg_stat_statements, top by total time (ms total, calls, ms mean):', ...profile.statements.map((s) => `    ${s.totalMs.toFixed(0).padStart(6)} ${String(s.calls).padStart(6)} ${s.meanMs.toFixed(3).padStart(7)}  ${s.query}`)]
      : []),
  ].join('\n');
}

/**
 * A V8 CPU profile of the main thread (server and engine) over the burst, written to `path` as a
 * .cpuprofile (open it in Chrome DevTools or speedscope). Returns a stop function.
 */
export async function startCpuProfile(path: string): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path, JSON.stringify(profile));
    session.disconnect();
  };
}
