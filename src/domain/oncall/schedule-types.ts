/** On-call schedules as plain data: the calculators are pure functions of these and a time. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A window when a layer is active, in the schedule's time zone. `days` are the days the window
 * starts on. Times are "HH:mm"; "24:00" is allowed only as an end, so "00:00"–"24:00" is the
 * whole day. An `end` at or before `start` spans midnight (18:00–09:00 runs from the evening of
 * each listed day into the next morning; equal times make a full day). A window runs at most a
 * day, so a weekend from Friday 18:00 to Monday 09:00 is restrictions that touch: fri
 * 18:00–24:00, sat+sun 00:00–24:00, mon 00:00–09:00. Wall times in a DST gap or overlap resolve
 * as described in zoned-time.ts (localInstant).
 */
export interface Restriction {
  days: Weekday[];
  start: string;
  end: string;
}

export interface RotationLayer {
  name: string;
  /** Rotation order; the first user takes the first shift from `start`. */
  users: string[];
  /**
   * `every` is a whole number ≥ 1. Day and week shifts hand off at the start's local wall-clock
   * time (23 or 25 hours across a DST change); hour shifts are exact durations.
   */
  rotation: { every: number; unit: 'hours' | 'days' | 'weeks' };
  /** The first handoff as a local date-time in the schedule's zone, e.g. "2026-01-05T09:00". */
  start: string;
  /** Empty means always active. */
  restrictions: Restriction[];
}

/** Someone covers [start, end): the whole schedule, or only `replaces`'s shifts within it. */
export interface ScheduleOverride {
  id?: string;
  userId: string;
  start: Date;
  end: Date;
  replaces?: string | null;
}

export interface Schedule {
  id: string;
  name: string;
  timezone: string;
  /** Later layers take precedence over earlier ones wherever they are active. */
  layers: RotationLayer[];
  overrides: ScheduleOverride[];
}

export interface OnCallAnswer {
  userIds: string[];
  source: 'override' | 'layer' | 'none';
  /** The layer that supplied the answer, when one did. */
  layer: string | null;
}

/** A stretch of time with one answer; consecutive segments differ. */
export interface OnCallSegment {
  start: Date;
  end: Date;
  userIds: string[];
  source: OnCallAnswer['source'];
  layer: string | null;
}

/** A stretch of [start, end) when one user is on call, touching segments merged. */
export interface OnCallShift {
  start: Date;
  end: Date;
}
