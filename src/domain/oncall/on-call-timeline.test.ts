import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { whoIsOnCall } from './on-call-calculator.js';
import { coverageGaps, onCallSegments, shiftsOf } from './on-call-timeline.js';
import type { Restriction, RotationLayer, Schedule, ScheduleOverride } from './schedule-types.js';

const DAILY = { every: 1, unit: 'days' } as const;
const WEEKLY = { every: 1, unit: 'weeks' } as const;
const ALL_WEEK: Restriction['days'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAYS: Restriction['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];

function layer(name: string, users: string[], start: string, rotation: RotationLayer['rotation'] = DAILY, restrictions: Restriction[] = []): RotationLayer {
  return { name, users, start, rotation, restrictions };
}
const local = (iso: string, zone: string): Date => DateTime.fromISO(iso, { zone }).toJSDate();
const ovr = (userId: string, start: Date, hours: number, replaces?: string): ScheduleOverride => ({
  userId, start, end: new Date(start.getTime() + hours * 3_600_000), replaces: replaces ?? null,
});

/** Every feature at once: wall-clock and hour rotations, overnight, weekend and DST-gap windows, overrides. */
function busySchedule(zone: string, weekStart: string): Schedule {
  const at = (dayOffset: number, time: string) => local(`${DateTime.fromISO(weekStart).plus({ days: dayOffset }).toISODate()}T${time}`, zone);
  return {
    id: `busy-${zone}`, name: 'Busy', timezone: zone,
    layers: [
      layer('base', ['a', 'b', 'c'], '2026-01-05T09:00'),
      layer('nightly', ['n1', 'n2'], '2026-01-05T22:00', WEEKLY, [{ days: ALL_WEEK, start: '22:00', end: '06:00' }]),
      layer('weekend', ['w1', 'w2'], '2026-01-02T18:00', WEEKLY, [
        { days: ['fri'], start: '18:00', end: '24:00' }, { days: ['sat', 'sun'], start: '00:00', end: '24:00' }, { days: ['mon'], start: '00:00', end: '09:00' },
      ]),
      layer('early', ['e1'], '2026-01-04T02:30', WEEKLY, [{ days: ['sun'], start: '02:30', end: '03:30' }]),
      layer('hourly', ['h1', 'h2', 'h3'], '2026-01-07T12:00', { every: 5, unit: 'hours' }, [{ days: ['wed'], start: '12:00', end: '20:00' }]),
    ],
    overrides: [
      ovr('o1', at(5, '20:00'), 14), // Saturday night into the (DST) Sunday
      ovr('o2', at(1, '10:00'), 30, 'a'),
      ovr('o3', at(2, '11:00'), 2),
      ovr('o4', at(2, '12:00'), 3, 'h2'),
      ovr('o5', at(9, '07:45'), 0.5),
    ],
  };
}

// Two weeks from a Monday, each containing a DST change (or none, in Shanghai).
const ranges: [string, string, string][] = [
  ['America/New_York', '2026-03-02', '2026-03-16'],
  ['America/New_York', '2026-10-26', '2026-11-09'],
  ['Europe/Berlin', '2026-03-23', '2026-04-06'],
  ['Europe/Berlin', '2026-10-19', '2026-11-02'],
  ['Asia/Shanghai', '2026-03-02', '2026-03-16'],
];

describe('onCallSegments: agrees with whoIsOnCall everywhere', () => {
  it.each(ranges)('%s from %s to %s', (zone, fromDay, toDay) => {
    const schedule = busySchedule(zone, fromDay);
    const from = local(`${fromDay}T00:00`, zone);
    const to = local(`${toDay}T00:00`, zone);
    const segments = onCallSegments(schedule, from, to);

    expect(segments[0]?.start).toEqual(from);
    expect(segments.at(-1)?.end).toEqual(to);
    segments.forEach((segment, i) => {
      expect(segment.end.getTime()).toBeGreaterThan(segment.start.getTime());
      const next = segments[i + 1];
      if (!next) return;
      expect(next.start).toEqual(segment.end);
      expect({ ...next, start: 0, end: 0 }).not.toEqual({ ...segment, start: 0, end: 0 });
    });

    // Samples: each segment's edges and middle, plus a grid every 7 minutes and some pseudo-random instants.
    const samples: number[] = segments.flatMap((s) => [s.start.getTime(), s.end.getTime() - 1, (s.start.getTime() + s.end.getTime()) / 2]);
    for (let t = from.getTime(); t < to.getTime(); t += 7 * 60_000) samples.push(t);
    let seed = 42;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      samples.push(from.getTime() + Math.floor((seed / 2 ** 31) * (to.getTime() - from.getTime())));
    }
    for (const t of samples) {
      const segment = segments.find((s) => s.start.getTime() <= t && t < s.end.getTime());
      const { userIds, source, layer: name } = whoIsOnCall(schedule, new Date(t));
      expect({ userIds: segment?.userIds, source: segment?.source, layer: segment?.layer }, new Date(t).toISOString()).toEqual({ userIds, source, layer: name });
    }
    // Every layer and override shows up somewhere, so the check above exercised them all.
    expect(new Set(segments.map((s) => s.layer ?? s.source))).toEqual(new Set(['base', 'nightly', 'weekend', 'early', 'hourly', 'override']));
  });
});

describe('onCallSegments: exact answers', () => {
  const shanghai: Schedule = {
    id: 'biz', name: 'Business', timezone: 'Asia/Shanghai', overrides: [],
    layers: [
      layer('nights', ['nate'], '2026-01-01T00:00', WEEKLY),
      layer('weekend', ['wendy', 'walt'], '2026-01-03T00:00', WEEKLY, [{ days: ['sat', 'sun'], start: '00:00', end: '24:00' }]),
      layer('business', ['alice', 'bob'], '2026-01-05T09:00', WEEKLY, [{ days: WEEKDAYS, start: '09:00', end: '17:00' }]),
    ],
  };
  it('Shanghai: Friday to Monday noon', () => {
    const segments = onCallSegments(shanghai, new Date('2026-03-13T00:00Z'), new Date('2026-03-16T04:00Z'));
    expect(segments.map((s) => [s.start.toISOString(), s.end.toISOString(), s.userIds.join(), s.layer])).toEqual([
      ['2026-03-13T00:00:00.000Z', '2026-03-13T01:00:00.000Z', 'nate', 'nights'],
      ['2026-03-13T01:00:00.000Z', '2026-03-13T09:00:00.000Z', 'bob', 'business'],
      ['2026-03-13T09:00:00.000Z', '2026-03-13T16:00:00.000Z', 'nate', 'nights'],
      ['2026-03-13T16:00:00.000Z', '2026-03-15T16:00:00.000Z', 'wendy', 'weekend'],
      ['2026-03-15T16:00:00.000Z', '2026-03-16T01:00:00.000Z', 'nate', 'nights'],
      ['2026-03-16T01:00:00.000Z', '2026-03-16T04:00:00.000Z', 'alice', 'business'],
    ]);
  });

  it('New York: a daily 09:00 rotation is 23 hours on the spring-forward day', () => {
    const s: Schedule = { id: 'ny', name: 'NY', timezone: 'America/New_York', overrides: [], layers: [layer('primary', ['ann', 'bob'], '2026-03-02T09:00')] };
    const segments = onCallSegments(s, new Date('2026-03-07T14:00Z'), new Date('2026-03-09T13:00Z'));
    expect(segments.map((x) => [x.start.toISOString(), (x.end.getTime() - x.start.getTime()) / 3_600_000, x.userIds.join()])).toEqual([
      ['2026-03-07T14:00:00.000Z', 23, 'bob'],
      ['2026-03-08T13:00:00.000Z', 24, 'ann'],
    ]);
  });

  it('a layer that starts inside the range begins a segment at its start', () => {
    const s: Schedule = { id: 'x', name: 'X', timezone: 'Europe/Berlin', overrides: [], layers: [layer('late', ['lee'], '2026-03-29T02:30')] };
    const segments = onCallSegments(s, new Date('2026-03-28T00:00Z'), new Date('2026-03-30T00:00Z'));
    expect(segments.map((x) => [x.start.toISOString(), x.userIds.join()])).toEqual([
      ['2026-03-28T00:00:00.000Z', ''],
      ['2026-03-29T01:30:00.000Z', 'lee'], // 02:30 does not exist that night: 03:30 CEST
    ]);
  });

  it('is empty when the range is', () => {
    expect(onCallSegments(shanghai, new Date('2026-03-13T00:00Z'), new Date('2026-03-13T00:00Z'))).toEqual([]);
    expect(onCallSegments(shanghai, new Date('2026-03-14T00:00Z'), new Date('2026-03-13T00:00Z'))).toEqual([]);
  });

  it('coverageGaps: a business-hours-only schedule is uncovered nights and weekends', () => {
    const daytime: Schedule = { ...shanghai, layers: shanghai.layers.slice(2) };
    const gaps = coverageGaps(daytime, new Date('2026-03-08T16:00Z'), new Date('2026-03-15T16:00Z')); // Mon–Mon local
    expect(gaps.map((g) => [g.start.toISOString(), g.end.toISOString(), g.source])).toEqual([
      ['2026-03-08T16:00:00.000Z', '2026-03-09T01:00:00.000Z', 'none'],
      ['2026-03-09T09:00:00.000Z', '2026-03-10T01:00:00.000Z', 'none'],
      ['2026-03-10T09:00:00.000Z', '2026-03-11T01:00:00.000Z', 'none'],
      ['2026-03-11T09:00:00.000Z', '2026-03-12T01:00:00.000Z', 'none'],
      ['2026-03-12T09:00:00.000Z', '2026-03-13T01:00:00.000Z', 'none'],
      ['2026-03-13T09:00:00.000Z', '2026-03-15T16:00:00.000Z', 'none'],
    ]);
    expect(coverageGaps(shanghai, new Date('2026-03-08T16:00Z'), new Date('2026-03-15T16:00Z'))).toEqual([]);
  });

  // Windows that touch on the wall clock must touch in real time, even when the seam is in a gap or overlap.
  it.each([
    ['America/New_York', '01:30', '2026-03-02', '2026-03-16'],
    ['America/New_York', '01:30', '2026-10-26', '2026-11-09'],
    ['America/New_York', '02:30', '2026-03-02', '2026-03-16'],
    ['Europe/Berlin', '02:30', '2026-03-23', '2026-04-06'],
    ['Europe/Berlin', '02:30', '2026-10-19', '2026-11-02'],
  ])('coverageGaps: %s windows meeting at %s leave no gap from %s', (zone, seam, fromDay, toDay) => {
    const s: Schedule = {
      id: 'seams', name: 'Seams', timezone: zone, overrides: [],
      layers: [
        layer('day', ['d'], '2026-01-05T09:00', DAILY, [{ days: ALL_WEEK, start: '09:00', end: '18:00' }]),
        layer('evening', ['e'], '2026-01-05T18:00', DAILY, [{ days: ALL_WEEK, start: '18:00', end: seam }]),
        layer('night', ['n'], '2026-01-05T00:00', DAILY, [{ days: ALL_WEEK, start: seam, end: '09:00' }]),
      ],
    };
    expect(coverageGaps(s, local(`${fromDay}T00:00`, zone), local(`${toDay}T00:00`, zone))).toEqual([]);
  });
});

describe('shiftsOf', () => {
  const s: Schedule = {
    id: 'x', name: 'X', timezone: 'Europe/Berlin',
    layers: [layer('primary', ['ann', 'bob'], '2026-03-02T09:00')],
    overrides: [
      ovr('ann', new Date('2026-03-03T08:00Z'), 4, 'bob'), // ann keeps going into bob's shift
      ovr('cat', new Date('2026-03-04T10:00Z'), 2), // cat interrupts ann's Wednesday
    ],
  };
  it.each<[string, string, string, [string, string][]]>([
    ['ann', '2026-03-02T00:00Z', '2026-03-06T00:00Z', [
      ['2026-03-02T08:00:00.000Z', '2026-03-03T12:00:00.000Z'],
      ['2026-03-04T08:00:00.000Z', '2026-03-04T10:00:00.000Z'],
      ['2026-03-04T12:00:00.000Z', '2026-03-05T08:00:00.000Z'],
    ]],
    ['bob', '2026-03-02T00:00Z', '2026-03-06T00:00Z', [
      ['2026-03-03T12:00:00.000Z', '2026-03-04T08:00:00.000Z'],
      ['2026-03-05T08:00:00.000Z', '2026-03-06T00:00:00.000Z'],
    ]],
    ['cat', '2026-03-04T11:00Z', '2026-03-04T11:30Z', [['2026-03-04T11:00:00.000Z', '2026-03-04T11:30:00.000Z']]],
    ['dan', '2026-03-02T00:00Z', '2026-03-06T00:00Z', []],
  ])('%s from %s to %s (merged across sources, clipped to the range)', (user, from, to, expected) => {
    expect(shiftsOf(user, s, new Date(from), new Date(to)).map((x) => [x.start.toISOString(), x.end.toISOString()])).toEqual(expected);
  });
});
