import type { Severity } from '../../kernel/index.js';

/**
 * Pure timing of action items: when one is due by default and when its reminder goes out.
 * Severity classes follow the design: critical (P0/P1) within 2 hours, warning (P2) within a
 * day, info (P3) within three days.
 */
export type SeverityClass = 'critical' | 'warning' | 'info';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const SEVERITY_CLASS: Record<Severity, SeverityClass> = { P0: 'critical', P1: 'critical', P2: 'warning', P3: 'info' };

export const DUE_WINDOW_MS: Record<SeverityClass, number> = {
  critical: 2 * HOUR,
  warning: 24 * HOUR,
  info: 3 * 24 * HOUR,
};

/** The reminder goes this share of the window before the due time… */
export const REMINDER_SHARE = 0.25;
/** …but at least this long before it, when the window allows. */
export const MIN_REMINDER_LEAD_MS = 15 * MINUTE;

/** Unknown severities count as the mildest class: an action item never gets a tighter clock by mistake. */
export const severityClass = (severity: string): SeverityClass => SEVERITY_CLASS[severity as Severity] ?? 'info';

export function defaultDueAt(severity: string, now: Date): Date {
  return new Date(now.getTime() + DUE_WINDOW_MS[severityClass(severity)]);
}

/**
 * When to remind the assignee of an item due at `dueAt`, seen from `now`: 25% of the remaining
 * window before the due time, at least 15 minutes before it, and never earlier than halfway
 * through a short window (so a tight item is not reminded the moment it is created). An item
 * already due is reminded now; the time is never in the past.
 */
export function reminderAt(dueAt: Date, now: Date): Date {
  const window = dueAt.getTime() - now.getTime();
  if (window <= 0) return new Date(now.getTime());
  const lead = Math.min(Math.max(window * REMINDER_SHARE, MIN_REMINDER_LEAD_MS), window / 2);
  return new Date(dueAt.getTime() - Math.round(lead));
}

/** A reminder that fires at or after the due time is the "overdue" one. */
export const isOverdue = (dueAt: Date, now: Date): boolean => now.getTime() >= dueAt.getTime();
