import type { CpuUse } from './cpu-sampler.js';
import type { LoadResult } from './load-client.js';

export interface ScenarioFigures {
  name: string;
  alertsPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  alerts: number;
  requests: number;
  durationS: number;
  errors: number;
  cpu: CpuUse;
  /** Time the server still needed, after the last reply, to commit work queued by timed-out requests. */
  drainMs: number;
}

export function figuresOf(result: LoadResult, cpu: CpuUse, drainMs: number): ScenarioFigures {
  const sorted = Float64Array.from(result.latenciesMs).sort();
  const seconds = result.durationMs / 1000;
  return {
    name: result.name,
    alertsPerSecond: result.alerts / seconds,
    requestsPerSecond: (result.requests - result.failedRequests) / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    alerts: result.alerts,
    requests: result.requests,
    durationS: seconds,
    errors: result.failedRequests,
    cpu,
    drainMs,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const COLUMNS: [string, (f: ScenarioFigures) => string][] = [
  ['scenario', (f) => f.name],
  ['alerts/s', (f) => num(f.alertsPerSecond, 0)],
  ['req/s', (f) => num(f.requestsPerSecond, 0)],
  ['p50 ms', (f) => num(f.p50Ms, 1)],
  ['p99 ms', (f) => num(f.p99Ms, 1)],
  ['max ms', (f) => num(f.maxMs, 1)],
  ['alerts', (f) => String(f.alerts)],
  ['requests', (f) => String(f.requests)],
  ['duration s', (f) => num(f.durationS, 1)],
  ['errors', (f) => String(f.errors)],
  ['node cpu', (f) => pct(f.cpu.processPct)],
  ['server thread', (f) => pct(f.cpu.mainThreadPct)],
  ['postgres cpu', (f) => pct(f.cpu.postgresPct)],
];

export function formatTable(rows: ScenarioFigures[]): string {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function formatOutcomes(result: LoadResult): string {
  const outcomes = Object.entries(result.outcomes).map(([outcome, count]) => `${outcome}=${count}`).join(' ') || 'none';
  const failures = result.failures.length ? `; failures: ${result.failures.join(' | ')}` : '';
  return `${result.name}: outcomes ${outcomes}${failures}`;
}

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const num = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const pct = (value: number | null) => (value === null || !Number.isFinite(value) ? '-' : `${value.toFixed(0)}%`);
