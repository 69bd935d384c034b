import type { IANAZone } from 'luxon';
import { WEEKDAYS, type Restriction, type Weekday } from './schedule-types.js';
import { addDays, daysBetween, localDateAt, localInstant, parseClock, weekdayOf, type LocalDate } from './zoned-time.js';

/** A restriction with its times parsed; `end` counts minutes from the start day's midnight. */
export interface DailyWindow {
  days: ReadonlySet<Weekday>;
  start: number;
  end: number;
}

export function compileRestriction(restriction: Restriction): DailyWindow {
  const unknown = restriction.days.filter((day) => !(WEEKDAYS as readonly string[]).includes(day));
  if (unknown.length > 0) throw new Error(`invalid restriction days ${JSON.stringify(unknown)}: expected ${WEEKDAYS.join(', ')}`);
  const start = parseClock(restriction.start, false);
  const end = parseClock(restriction.end, true);
  // An end at or before the start means the next morning, so 22:00–22:00 is a full day.
  return { days: new Set(restriction.days), start, end: end > start ? end : end + 1440 };
}

/**
 * The window `w` opens on `date`, as instants, or null when `date` is not one of its days.
 * Wall times in a DST gap or overlap resolve as in localInstant; a window that falls wholly
 * inside a gap (02:00–03:00 on a spring-forward night) is empty that day, so it returns null.
 */
export function windowOn(w: DailyWindow, zone: IANAZone, date: LocalDate): [number, number] | null {
  if (!w.days.has(weekdayOf(date))) return null;
  const start = localInstant(zone, date, w.start);
  const end = localInstant(zone, date, w.end);
  return end > start ? [start, end] : null;
}

// A window ends at most a wall-clock day after its start day; one more day allows for a gap at midnight.
const LOOKBACK_DAYS = 2;

export function isWithinWindows(windows: DailyWindow[], zone: IANAZone, ms: number): boolean {
  const today = localDateAt(zone, ms);
  for (let back = 0; back <= LOOKBACK_DAYS; back++) {
    const date = addDays(today, -back);
    for (const w of windows) {
      const span = windowOn(w, zone, date);
      if (span && span[0] <= ms && ms < span[1]) return true;
    }
  }
  return false;
}

/** Every window opening or closing strictly inside (fromMs, toMs). */
export function windowEdgesWithin(windows: DailyWindow[], zone: IANAZone, fromMs: number, toMs: number): number[] {
  const edges: number[] = [];
  const first = addDays(localDateAt(zone, fromMs), -LOOKBACK_DAYS);
  const count = daysBetween(first, localDateAt(zone, toMs));
  for (let i = 0; i <= count; i++) {
    const date = addDays(first, i);
    for (const w of windows) {
      for (const edge of windowOn(w, zone, date) ?? []) {
        if (fromMs < edge && edge < toMs) edges.push(edge);
      }
    }
  }
  return edges;
}
