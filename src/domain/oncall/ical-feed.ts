import ical, { ICalEventTransparency } from 'ical-generator';
import type { Schedule } from './schedule-types.js';
import { onCallSegments, shiftsOf } from './on-call-timeline.js';

export interface CalendarOptions {
  /** DTSTAMP of every event. Defaults to `from`, keeping the output a pure function of its inputs. */
  generatedAt?: Date;
  /** Whether scheduleCalendar shows uncovered stretches as "No one on call" events (default true). */
  includeGaps?: boolean;
}

const PROD_ID = { company: 'warroom', product: 'on-call', language: 'EN' };

/**
 * A team's calendar: one VEVENT per on-call segment in [from, to), times in UTC. UIDs come from
 * the schedule id and the segment's start, so a re-fetched feed updates events in place. The
 * first segment is clipped to `from`, so pass a `from` that moves in steps (e.g. the start of a
 * week) if clients should keep that event's UID too.
 */
export function scheduleCalendar(
  schedule: Schedule,
  from: Date,
  to: Date,
  names: Record<string, string>,
  options: CalendarOptions = {},
): string {
  const calendar = ical({ name: `On call: ${schedule.name}`, prodId: PROD_ID });
  const stamp = options.generatedAt ?? from;
  for (const segment of onCallSegments(schedule, from, to)) {
    const covered = segment.userIds.length > 0;
    if (!covered && options.includeGaps === false) continue;
    const people = segment.userIds.map((id) => names[id] ?? id).join(', ');
    calendar.createEvent({
      id: uid('oncall', schedule.id, segment.start),
      start: segment.start,
      end: segment.end,
      stamp,
      summary: covered ? `On call: ${people}` : 'No one on call',
      description: describe(schedule, segment.source, segment.layer),
      // Gaps should not block anyone's free/busy time.
      transparency: covered ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}

/** One person's calendar: one VEVENT per shift across `schedules`, named after the schedule. */
export function userCalendar(
  userId: string,
  schedules: Schedule[],
  from: Date,
  to: Date,
  name: string,
  options: Pick<CalendarOptions, 'generatedAt'> = {},
): string {
  const calendar = ical({ name: `On call: ${name}`, prodId: PROD_ID });
  const stamp = options.generatedAt ?? from;
  for (const schedule of schedules) {
    for (const shift of shiftsOf(userId, schedule, from, to)) {
      calendar.createEvent({
        id: uid(`shift-${encodeURIComponent(userId)}`, schedule.id, shift.start),
        start: shift.start,
        end: shift.end,
        stamp,
        summary: `On call: ${schedule.name}`,
        description: `${name} is on call for ${schedule.name}.`,
      });
    }
  }
  return calendar.toString();
}

/** e.g. "oncall-payments-20260307T140000Z@warroom": stable for the same schedule and start. */
function uid(kind: string, scheduleId: string, start: Date): string {
  const stamp = start.toISOString().replace(/[-:]|\.\d{3}/g, '');
  return `${kind}-${encodeURIComponent(scheduleId)}-${stamp}@warroom`;
}

function describe(schedule: Schedule, source: string, layer: string | null): string {
  if (source === 'override') return `${schedule.name}: override`;
  if (source === 'layer') return `${schedule.name}: layer ${layer ?? ''}`.trim();
  return `${schedule.name}: no layer or override covers this time`;
}
