import type { IANAZone } from 'luxon';
import type { RotationLayer } from './schedule-types.js';
import { addDays, localInstant, parseLocalDateTime, type LocalDate } from './zoned-time.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * How a layer's shifts fall. Day and week shifts hand off at the same local wall-clock time,
 * so a daily shift that spans a DST change lasts 23 or 25 hours; hour shifts are exact durations.
 */
export type Rotation =
  | { kind: 'wall-clock'; startDate: LocalDate; startMinutes: number; stepDays: number; startMs: number }
  | { kind: 'fixed'; stepMs: number; startMs: number };

export function compileRotation(layer: RotationLayer, zone: IANAZone): Rotation {
  const { every, unit } = layer.rotation;
  if (!Number.isInteger(every) || every < 1) {
    throw new Error(`rotation.every must be a whole number ≥ 1, got ${every}`);
  }
  const { date, minutes } = parseLocalDateTime(layer.start);
  const startMs = localInstant(zone, date, minutes);
  if (unit === 'hours') return { kind: 'fixed', stepMs: every * HOUR_MS, startMs };
  const stepDays = unit === 'weeks' ? every * 7 : every;
  return { kind: 'wall-clock', startDate: date, startMinutes: minutes, stepDays, startMs };
}

/**
 * When shift `n` starts. Always computed from the layer's nominal start, never from the previous
 * handoff, so a 02:30 handoff pushed to 03:30 on a spring-forward day is back at 02:30 the next day.
 */
export function handoff(rotation: Rotation, zone: IANAZone, n: number): number {
  if (rotation.kind === 'fixed') return rotation.startMs + n * rotation.stepMs;
  return localInstant(zone, addDays(rotation.startDate, n * rotation.stepDays), rotation.startMinutes);
}

/** The shift in progress at `ms`, or null before the layer's first handoff. */
export function shiftIndexAt(rotation: Rotation, zone: IANAZone, ms: number): number | null {
  if (ms < rotation.startMs) return null;
  if (rotation.kind === 'fixed') return Math.floor((ms - rotation.startMs) / rotation.stepMs);
  // Estimate with nominal days, then correct: DST moves a handoff by an hour or so, not a shift.
  let n = Math.floor((ms - rotation.startMs) / (rotation.stepDays * DAY_MS));
  while (n > 0 && handoff(rotation, zone, n) > ms) n--;
  while (handoff(rotation, zone, n + 1) <= ms) n++;
  return n;
}

/** Every handoff strictly inside (fromMs, toMs), the layer's first one included. */
export function handoffsWithin(rotation: Rotation, zone: IANAZone, fromMs: number, toMs: number): number[] {
  const handoffs: number[] = [];
  for (let n = (shiftIndexAt(rotation, zone, fromMs) ?? -1) + 1; ; n++) {
    const at = handoff(rotation, zone, n);
    if (at >= toMs) return handoffs;
    if (at > fromMs) handoffs.push(at);
  }
}
