import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Linux's USER_HZ; /proc times are in these ticks. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  at: number;
  /** This whole process: the server's thread, the load thread, GC and libuv helpers. */
  processMicros: number;
  /** The main thread alone, which runs the server (Fastify, ingest, pg client). */
  mainThreadTicks: number | null;
  /** Every local process named "postgres" (only meaningful when the server runs on this machine). */
  postgresTicks: number | null;
}

export interface CpuUse {
  /** Percent of one core, so 2 saturated cores read 200%. */
  processPct: number;
  mainThreadPct: number | null;
  postgresPct: number | null;
}

export function takeCpuSnapshot(): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    processMicros: usage.user + usage.system,
    mainThreadTicks: statTicks(`/proc/self/task/${process.pid}/stat`),
    postgresTicks: postgresTicks(),
  };
}

export function cpuSince(before: CpuSnapshot, after = takeCpuSnapshot()): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const ticksPct = (a: number | null, b: number | null) => (a === null || b === null ? null : ((b - a) / TICKS_PER_SECOND / seconds) * 100);
  return {
    processPct: ((after.processMicros - before.processMicros) / 1e6 / seconds) * 100,
    mainThreadPct: ticksPct(before.mainThreadTicks, after.mainThreadTicks),
    postgresPct: ticksPct(before.postgresTicks, after.postgresTicks),
  };
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

function postgresTicks(): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let total = 0;
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += statTicks(`/proc/${pid}/stat`) ?? 0;
  }
  return total;
}
