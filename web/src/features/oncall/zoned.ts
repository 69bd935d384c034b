/**
 * Wall-clock arithmetic in an IANA time zone with Intl only (no date library in the bundle).
 * Day columns follow the viewer's zone, so a DST day is 23 or 25 hours wide, as it should be.
 */
export const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function wallTime(at: number, zone: string): WallTime {
  const parts = Object.fromEntries(partsFormatter(zone).formatToParts(new Date(at)).map((p) => [p.type, Number(p.value)]));
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute! };
}

/** How far the zone's wall clock is ahead of UTC at `at`. */
function offsetMs(at: number, zone: string): number {
  const w = wallTime(at, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(at / 60_000) * 60_000;
}

/** The instant a wall-clock time happens in the zone (the later reading in a DST gap). */
export function instantOf(w: WallTime, zone: string): number {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const first = naive - offsetMs(naive, zone);
  return naive - offsetMs(first, zone);
}

export function startOfDay(at: number, zone: string): number {
  return instantOf({ ...wallTime(at, zone), hour: 0, minute: 0 }, zone);
}

/** Midnight `days` days after the day of `at`. */
export function addDays(at: number, days: number, zone: string): number {
  const w = wallTime(at, zone);
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return instantOf({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 }, zone);
}

export function isValidZone(zone: string | undefined | null): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-02T09:00" for an <input type="datetime-local"> showing the zone's wall clock. */
export function toInputValue(at: number, zone: string): string {
  const w = wallTime(at, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

export function fromInputValue(value: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  return instantOf({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]! }, zone);
}

const locale = (language: string) => (language === 'zh' ? 'zh-CN' : 'en-GB');

/** "Mon 2 Mar, 09:00" in the zone. */
export function formatIn(at: number | string, zone: string, language: string, withDate = true): string {
  return new Date(at).toLocaleString(locale(language), {
    timeZone: zone,
    ...(withDate ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

export function formatDay(at: number, zone: string, language: string): { weekday: string; day: string } {
  const d = new Date(at);
  return {
    weekday: d.toLocaleDateString(locale(language), { timeZone: zone, weekday: 'short' }),
    day: d.toLocaleDateString(locale(language), { timeZone: zone, day: 'numeric', month: language === 'zh' ? 'numeric' : 'short' }),
  };
}

/** "Mon 2 Mar 09:00 – Tue 3 Mar 09:00", dropping the second date when it is the same day. */
export function formatRange(start: number | string, end: number | string, zone: string, language: string): string {
  const s = new Date(start).getTime();
  const e = new Date(end).getTime();
  const sameDay = startOfDay(s, zone) === startOfDay(e - 1, zone) && e - s < DAY_MS;
  return `${formatIn(s, zone, language)} – ${formatIn(e, zone, language, !sameDay)}`;
}
