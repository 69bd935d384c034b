/** Shapes of the on-call API answers (src/http/oncall-routes.ts). */

export type OnCallSource = 'override' | 'layer' | 'none';

export interface OnCallNowItem {
  schedule_id: string;
  name: string;
  timezone: string;
  user_ids: string[];
  source: OnCallSource;
  layer: string | null;
}

export interface OnCallNow {
  at: string;
  items: OnCallNowItem[];
}

export interface ScheduleLayer {
  name: string;
  users: string[];
  rotation?: { every: number; unit: string };
  start?: string;
  restrictions?: { days: string[]; start: string; end: string }[];
}

export interface Schedule {
  id: string;
  name: string;
  timezone: string;
  /** The team the config says this rotation covers, if it says. */
  team: string | null;
  layers: ScheduleLayer[];
  managed_by: string;
}

export interface Segment {
  start: string;
  end: string;
  user_ids: string[];
  source: OnCallSource;
  layer: string | null;
}

export interface Override {
  id: string;
  user_id: string;
  replaces: string | null;
  start: string;
  end: string;
}

export interface Timeline {
  schedule_id: string;
  timezone: string;
  segments: Segment[];
  overrides: Override[];
  gaps: Segment[];
}

export interface Shift {
  schedule_id: string;
  start: string;
  end: string;
}

export interface NewOverride {
  user_id: string;
  start: string;
  end: string;
  replaces?: string | null;
  reason?: string;
}
