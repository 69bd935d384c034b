/** "15 min", "1 h", "1 h 30 min" from milliseconds; language-neutral units read fine in Chinese too. */
export function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** A signed offset from the start of a simulation: "+0m", "+15m", "+1h 05m". */
export function offset(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `+${m}m`;
  return `+${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
