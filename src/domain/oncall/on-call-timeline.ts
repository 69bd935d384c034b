import type { OnCallAnswer, OnCallSegment, OnCallShift, Schedule } from './schedule-types.js';
import { compileSchedule } from './compiled-schedule.js';
import { handoffsWithin } from './layer-rotation.js';
import { whoIsOnCall } from './on-call-calculator.js';
import { windowEdgesWithin } from './restriction-windows.js';

/**
 * The answers for [from, to) as contiguous segments, consecutive ones differing. We collect every
 * instant where the answer may change (handoffs, restriction window edges, override edges) and ask
 * whoIsOnCall at each, so the timeline and the calculator cannot disagree. Segments are clipped
 * to the range: one that began before `from` is reported from `from`. Empty when to <= from.
 */
export function onCallSegments(schedule: Schedule, from: Date, to: Date): OnCallSegment[] {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new Error('onCallSegments: invalid Date');
  if (toMs <= fromMs) return [];

  const starts = [...new Set([fromMs, ...changeInstants(schedule, fromMs, toMs)])].sort((a, b) => a - b);
  const segments: OnCallSegment[] = [];
  starts.forEach((start, i) => {
    const end = starts[i + 1] ?? toMs;
    const answer = whoIsOnCall(schedule, new Date(start));
    const previous = segments.at(-1);
    if (previous && sameAnswer(previous, answer)) {
      previous.end = new Date(end);
    } else {
      segments.push({ start: new Date(start), end: new Date(end), ...answer });
    }
  });
  return segments;
}

/** The stretches of [from, to) when no one is on call. */
export function coverageGaps(schedule: Schedule, from: Date, to: Date): OnCallSegment[] {
  return onCallSegments(schedule, from, to).filter((segment) => segment.userIds.length === 0);
}

/** When `userId` is on call within [from, to), whatever the source, with touching shifts merged. */
export function shiftsOf(userId: string, schedule: Schedule, from: Date, to: Date): OnCallShift[] {
  const shifts: OnCallShift[] = [];
  for (const segment of onCallSegments(schedule, from, to)) {
    if (!segment.userIds.includes(userId)) continue;
    const previous = shifts.at(-1);
    if (previous && previous.end.getTime() === segment.start.getTime()) previous.end = segment.end;
    else shifts.push({ start: segment.start, end: segment.end });
  }
  return shifts;
}

/** Instants strictly inside (fromMs, toMs) where some layer or override may change the answer. */
function changeInstants(schedule: Schedule, fromMs: number, toMs: number): number[] {
  const { zone, layers } = compileSchedule(schedule);
  const instants: number[] = [];
  for (const layer of layers) {
    instants.push(...handoffsWithin(layer.rotation, zone, fromMs, toMs));
    instants.push(...windowEdgesWithin(layer.windows, zone, fromMs, toMs));
  }
  for (const o of schedule.overrides) {
    for (const edge of [o.start.getTime(), o.end.getTime()]) {
      if (fromMs < edge && edge < toMs) instants.push(edge);
    }
  }
  return instants;
}

function sameAnswer(a: OnCallAnswer, b: OnCallAnswer): boolean {
  return (
    a.source === b.source &&
    a.layer === b.layer &&
    a.userIds.length === b.userIds.length &&
    a.userIds.every((id, i) => id === b.userIds[i])
  );
}
