import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Linux's USER_HZ; /proc times are in these ticks. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  at: number;
  /** This whole process: the server's thread, the load thread, GC and libuv helpers. */
  processMicros: number;
  /** The main thread alone, which runs the server (Fastify, ingest, pg client). */
  mainThreadTicks: number | null;
  /** Ticks of the Postgres server's processes found on this machine, by pid; null when none is local. */
  postgresTicks: Map<number, number> | null;
}

export interface CpuUse {
  /** Percent of one core, so 2 saturated cores read 200%. */
  processPct: number;
  mainThreadPct: number | null;
  postgresPct: number | null;
}

/**
 * `postgresPids` are the server's backends and background processes (pg_stat_activity lists them),
 * so other Postgres servers on the machine do not count.
 */
export function takeCpuSnapshot(postgresPids: number[]): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    processMicros: usage.user + usage.system,
    mainThreadTicks: statTicks(`/proc/self/task/${process.pid}/stat`),
    postgresTicks: processTicks(postgresPids),
  };
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const ticksPct = (ticks: number) => (ticks / TICKS_PER_SECOND / seconds) * 100;
  return {
    processPct: ((after.processMicros - before.processMicros) / 1e6 / seconds) * 100,
    mainThreadPct: before.mainThreadTicks === null || after.mainThreadTicks === null ? null : ticksPct(after.mainThreadTicks - before.mainThreadTicks),
    postgresPct: before.postgresTicks && after.postgresTicks ? ticksPct(ticksBetween(before.postgresTicks, after.postgresTicks)) : null,
  };
}

/** Per process, so that a backend exiting in between (idle pool clients do) cannot make the sum go negative. */
function ticksBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ticks] of after) total += Math.max(0, ticks - (before.get(pid) ?? 0));
  return total;
}

/** utime + stime of a /proc stat file; the command name may hold spaces, so fields count from its ")". */
function statTicks(path: string): number | null {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function processTicks(pids: number[]): Map<number, number> | null {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    // A remote server's pids may exist here as unrelated processes.
    if (commandName(pid) !== 'postgres') continue;
    const value = statTicks(`/proc/${pid}/stat`);
    if (value !== null) ticks.set(pid, value);
  }
  return ticks.size ? ticks : null;
}

function commandName(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}
