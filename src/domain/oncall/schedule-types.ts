/** On-call schedules as plain data: the calculators are pure functions of these and a time. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A window when a layer is active, in the schedule's time zone. `end` at or before `start` spans
 * midnight (18:00–09:00 runs from the evening of each listed day into the next morning);
 * "00:00"–"24:00" is the whole day. `days` are the days the window starts on.
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
  rotation: { every: number; unit: 'hours' | 'days' | 'weeks' };
  /** The first handoff as a local date-time in the schedule's zone, e.g. "2026-01-05T09:00". */
  start: string;
  /** Empty means always active. */
  restrictions: Restriction[];
}

/** Someone covers a window: the whole schedule, or only `replaces`'s shifts within it. */
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
