import { DateTime, IANAZone } from 'luxon';
import { WEEKDAYS, type Weekday } from './schedule-types.js';

/** A calendar date with no zone; arithmetic on it never meets a DST change. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function zoneNamed(name: string): IANAZone {
  if (!IANAZone.isValidZone(name)) throw new Error(`unknown time zone "${name}"`);
  return IANAZone.create(name);
}

/** "HH:mm" to minutes after midnight; "24:00" (= 1440) only where `allow24` (restriction ends). */
export function parseClock(value: string, allow24: boolean): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (match) return Number(match[1]) * 60 + Number(match[2]);
  if (allow24 && value === '24:00') return 1440;
  const hint = allow24 ? '00:00–24:00' : '00:00–23:59';
  throw new Error(`invalid time "${value}": expected HH:mm (${hint})`);
}

/** "2026-01-05T09:00" (seconds optional, no offset) to a date and minutes after midnight. */
export function parseLocalDateTime(value: string): { date: LocalDate; minutes: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match?.slice(1).map((part) => Number(part ?? 0)) ?? [];
  // Luxon rejects out-of-range fields (2026-02-30, 25:00) rather than rolling them over.
  // Handoffs fall on whole minutes, so ":00" seconds are tolerated and others refused.
  if (match && second === 0 && DateTime.fromObject({ year, month, day, hour, minute }, { zone: 'utc' }).isValid) {
    return { date: { year, month, day }, minutes: hour * 60 + minute };
  }
  throw new Error(`invalid local date-time "${value}": expected YYYY-MM-DDTHH:mm with no offset or seconds`);
}

// Calendar arithmetic on zone-less dates runs in UTC, where every day has 24 hours; it is the
// hot path of every answer, so it uses Date.UTC rather than building luxon objects.
function utcMidnight(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day);
}

function dateOfUtc(ms: number): LocalDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return dateOfUtc(utcMidnight(date) + days * DAY_MS);
}

/** Whole calendar days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((utcMidnight(b) - utcMidnight(a)) / DAY_MS);
}

export function weekdayOf(date: LocalDate): Weekday {
  // getUTCDay() counts from Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(new Date(utcMidnight(date)).getUTCDay() + 6) % 7] as Weekday;
}

export function localDateAt(zone: IANAZone, ms: number): LocalDate {
  return dateOfUtc(ms + zone.offset(ms) * MINUTE_MS);
}

/**
 * The instant a wall-clock reading names in `zone`; `minutes` may reach 1440 (next midnight).
 *
 * Luxon's own resolution of a repeated hour depends on the offset in force when the code runs
 * (its guess starts from Settings.now()), so a pure calculator cannot use it. We follow
 * RFC 5545 §3.3.5 instead, the same rule calendar clients apply:
 * - a time that occurs twice (fall back) is the FIRST occurrence;
 * - a time that does not exist (spring forward) is read with the offset from before the gap,
 *   i.e. pushed forward by the gap's length (02:30 on 2026-03-08 in New York is 03:30 EDT).
 * Every boundary goes through this one function, so windows that touch on the wall clock also
 * touch in real time: a DST change never opens a gap or an overlap between them.
 */
export function localInstant(zone: IANAZone, date: LocalDate, minutes: number): number {
  // Memoised: the same few wall times are resolved again and again, and each offset lookup goes
  // through Intl. The result depends only on the key, so answers stay pure.
  const key = `${zone.name} ${date.year}-${date.month}-${date.day} ${minutes}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const resolved = resolveWallClock(zone, date, minutes);
  if (instants.size >= INSTANT_CACHE_LIMIT) instants.clear();
  instants.set(key, resolved);
  return resolved;
}

const INSTANT_CACHE_LIMIT = 100_000;
const instants = new Map<string, number>();

function resolveWallClock(zone: IANAZone, date: LocalDate, minutes: number): number {
  const day = addDays(date, Math.floor(minutes / 1440));
  const asUtc = utcMidnight(day) + (minutes % 1440) * MINUTE_MS;
  // Offsets a day either side bracket any single transition near this wall-clock time.
  const before = zone.offset(asUtc - DAY_MS);
  const after = zone.offset(asUtc + DAY_MS);
  const candidates = [before, after]
    .filter((offset) => zone.offset(asUtc - offset * MINUTE_MS) === offset)
    .map((offset) => asUtc - offset * MINUTE_MS);
  if (candidates.length > 0) return Math.min(...candidates);
  return asUtc - before * MINUTE_MS;
}
