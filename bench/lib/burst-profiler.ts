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
  const resolutionMs = 10;
  const loop = monitorEventLoopDelay({ resolution: resolutionMs });
  loop.enable();
  const states = new Map<string, number>();
  const waits = new Map<string, number>();
  const statements = new Map<string, number>();
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
        bump(statements, row.query);
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
      await client.end();
      loop.disable();
      return {
        samples,
        meanBackends: Object.fromEntries([...states].map(([state, n]) => [state, n / Math.max(1, samples)])),
        activeWaits: share(waits, active),
        activeStatements: share(statements, active),
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

export function formatProfile(profile: BurstProfile): string {
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  const backends = Object.entries(profile.meanBackends).map(([state, mean]) => `${state} ${mean.toFixed(1)}`).join(', ');
  return [
    `  profile (${profile.samples} samples): mean backends ${backends}`,
    `  active backends waiting on: ${profile.activeWaits.slice(0, 6).map(([wait, share]) => `${wait} ${pct(share)}`).join(', ')}`,
    '  active statements:',
    ...profile.activeStatements.slice(0, 8).map(([statement, share]) => `    ${pct(share).padStart(4)}  ${statement}`),
    `  event-loop delay p50 ${profile.eventLoopDelayMs.p50.toFixed(1)} ms, p99 ${profile.eventLoopDelayMs.p99.toFixed(1)} ms, max ${profile.eventLoopDelayMs.max.toFixed(1)} ms`,
  ].join('\n');
}
