const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** Parses "90s", "5m", "1.5h", "2d" into milliseconds; compound forms like "1h30m" are accepted too. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const parts = trimmed.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d|w)/g);
  if (!parts || parts.join('') !== trimmed) {
    throw new Error(`"${text}" is not a duration (use forms like 30s, 5m, 1h30m, 2d)`);
  }
  return parts.reduce((total, part) => {
    const [, amount, unit] = DURATION_RE.exec(part)!;
    return total + Number(amount) * UNIT_MS[unit!]!;
  }, 0);
}

/** Formats milliseconds the way people read them: 45s, 5m, 1h 30m, 2d 3h. */
export function formatDuration(ms: number): string {
  let rest = Math.round(Math.abs(ms) / 1000);
  const sign = ms < 0 && rest > 0 ? '-' : '';
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const parts: string[] = [];
  if (days) parts.push(`${days}d`);
  if (hours) parts.push(`${hours}h`);
  if (minutes) parts.push(`${minutes}m`);
  if (seconds && !days) parts.push(`${seconds}s`);
  return sign + (parts.slice(0, 2).join(' ') || '0s');
}
