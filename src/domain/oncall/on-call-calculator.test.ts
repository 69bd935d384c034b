import { describe, it, expect, afterEach } from 'vitest';
import { DateTime, Settings } from 'luxon';
import { whoIsOnCall } from './on-call-calculator.js';
import type { OnCallAnswer, Restriction, RotationLayer, Schedule, ScheduleOverride } from './schedule-types.js';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const SHANGHAI = 'Asia/Shanghai';
const DAILY = { every: 1, unit: 'days' } as const;
const WEEKLY = { every: 1, unit: 'weeks' } as const;
const ALL_WEEK: Restriction['days'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function layer(name: string, users: string[], start: string, rotation: RotationLayer['rotation'] = DAILY, restrictions: Restriction[] = []): RotationLayer {
  return { name, users, start, rotation, restrictions };
}
function schedule(timezone: string, layers: RotationLayer[], overrides: ScheduleOverride[] = []): Schedule {
  return { id: 'sched', name: 'Sched', timezone, layers, overrides };
}
const who = (s: Schedule, iso: string): string[] => whoIsOnCall(s, new Date(iso)).userIds;
const justBefore = (iso: string): string => new Date(new Date(iso).getTime() - 1).toISOString();

describe('whoIsOnCall: rotation handoffs', () => {
  // Each handoff is [UTC instant, local wall clock there]; users take turns ann, bob, cat.
  const cases: { name: string; zone: string; start: string; rotation?: RotationLayer['rotation']; handoffs: [string, string][] }[] = [
    { name: 'New York daily 09:00 over spring forward (23 h shift)', zone: NY, start: '2026-03-06T09:00',
      handoffs: [['2026-03-06T14:00Z', '09:00'], ['2026-03-07T14:00Z', '09:00'], ['2026-03-08T13:00Z', '09:00'], ['2026-03-09T13:00Z', '09:00']] },
    { name: 'New York daily 09:00 over fall back (25 h shift)', zone: NY, start: '2026-10-30T09:00',
      handoffs: [['2026-10-30T13:00Z', '09:00'], ['2026-10-31T13:00Z', '09:00'], ['2026-11-01T14:00Z', '09:00'], ['2026-11-02T14:00Z', '09:00']] },
    { name: 'Berlin daily 09:00 over spring forward', zone: BERLIN, start: '2026-03-27T09:00',
      handoffs: [['2026-03-27T08:00Z', '09:00'], ['2026-03-28T08:00Z', '09:00'], ['2026-03-29T07:00Z', '09:00'], ['2026-03-30T07:00Z', '09:00']] },
    { name: 'Berlin daily 09:00 over fall back', zone: BERLIN, start: '2026-10-23T09:00',
      handoffs: [['2026-10-23T07:00Z', '09:00'], ['2026-10-24T07:00Z', '09:00'], ['2026-10-25T08:00Z', '09:00'], ['2026-10-26T08:00Z', '09:00']] },
    // 02:30 does not exist on spring-forward day: read with the offset from before the gap (RFC 5545),
    // so that handoff is at 03:30 local and the next day's is back at 02:30.
    { name: 'New York daily 02:30, nonexistent on 2026-03-08', zone: NY, start: '2026-03-06T02:30',
      handoffs: [['2026-03-06T07:30Z', '02:30'], ['2026-03-07T07:30Z', '02:30'], ['2026-03-08T07:30Z', '03:30'], ['2026-03-09T06:30Z', '02:30']] },
    { name: 'Berlin daily 02:30, nonexistent on 2026-03-29', zone: BERLIN, start: '2026-03-27T02:30',
      handoffs: [['2026-03-27T01:30Z', '02:30'], ['2026-03-28T01:30Z', '02:30'], ['2026-03-29T01:30Z', '03:30'], ['2026-03-30T00:30Z', '02:30']] },
    { name: 'New York layer whose start is itself in the gap', zone: NY, start: '2026-03-08T02:30',
      handoffs: [['2026-03-08T07:30Z', '03:30'], ['2026-03-09T06:30Z', '02:30'], ['2026-03-10T06:30Z', '02:30']] },
    // A repeated wall time means its first occurrence (still on summer time).
    { name: 'New York daily 01:30, repeated on 2026-11-01', zone: NY, start: '2026-10-30T01:30',
      handoffs: [['2026-10-30T05:30Z', '01:30'], ['2026-10-31T05:30Z', '01:30'], ['2026-11-01T05:30Z', '01:30'], ['2026-11-02T06:30Z', '01:30']] },
    { name: 'Berlin daily 02:30, repeated on 2026-10-25', zone: BERLIN, start: '2026-10-23T02:30',
      handoffs: [['2026-10-23T00:30Z', '02:30'], ['2026-10-24T00:30Z', '02:30'], ['2026-10-25T00:30Z', '02:30'], ['2026-10-26T01:30Z', '02:30']] },
    { name: 'New York weekly Monday 09:00 over spring forward', zone: NY, start: '2026-02-23T09:00', rotation: WEEKLY,
      handoffs: [['2026-02-23T14:00Z', '09:00'], ['2026-03-02T14:00Z', '09:00'], ['2026-03-09T13:00Z', '09:00'], ['2026-03-16T13:00Z', '09:00']] },
    { name: 'Berlin weekly Monday 09:00 over fall back', zone: BERLIN, start: '2026-10-12T09:00', rotation: WEEKLY,
      handoffs: [['2026-10-12T07:00Z', '09:00'], ['2026-10-19T07:00Z', '09:00'], ['2026-10-26T08:00Z', '09:00'], ['2026-11-02T08:00Z', '09:00']] },
    { name: 'Berlin every 2 weeks over spring forward', zone: BERLIN, start: '2026-03-16T09:00', rotation: { every: 2, unit: 'weeks' },
      handoffs: [['2026-03-16T08:00Z', '09:00'], ['2026-03-30T07:00Z', '09:00'], ['2026-04-13T07:00Z', '09:00']] },
    // Hour shifts are exact durations, so the wall clock of the handoff moves with DST.
    { name: 'New York 12-hour shifts over spring forward', zone: NY, start: '2026-03-07T21:00', rotation: { every: 12, unit: 'hours' },
      handoffs: [['2026-03-08T02:00Z', '21:00'], ['2026-03-08T14:00Z', '10:00'], ['2026-03-09T02:00Z', '22:00']] },
    { name: 'Shanghai daily 09:00 (no DST)', zone: SHANGHAI, start: '2026-03-06T09:00',
      handoffs: [['2026-03-06T01:00Z', '09:00'], ['2026-03-07T01:00Z', '09:00'], ['2026-03-08T01:00Z', '09:00']] },
  ];
  const users = ['ann', 'bob', 'cat'];

  it.each(cases)('$name', ({ zone, start, rotation, handoffs }) => {
    const s = schedule(zone, [layer('primary', users, start, rotation ?? DAILY)]);
    handoffs.forEach(([utc, local], i) => {
      expect(DateTime.fromISO(utc, { zone }).toFormat('HH:mm')).toBe(local);
      expect(who(s, justBefore(utc))).toEqual(i === 0 ? [] : [users[(i - 1) % 3]]);
      expect(who(s, utc)).toEqual([users[i % 3]]);
    });
  });

  describe('does not depend on the clock of the machine running it', () => {
    afterEach(() => {
      Settings.now = () => Date.now();
    });
    // Luxon's own handling of a repeated hour starts from the current offset; ours must not.
    // Each row uses a wall time no other test resolves, so no memoised answer hides a difference.
    it.each([
      ['2026-01-15T12:00:00Z', NY, '2026-10-30T01:15', '2026-11-01T05:15:00Z'],
      ['2026-07-15T12:00:00Z', NY, '2026-10-30T01:45', '2026-11-01T05:45:00Z'],
      ['2026-01-15T12:00:00Z', BERLIN, '2026-10-23T02:45', '2026-10-25T00:45:00Z'],
      ['2026-07-15T12:00:00Z', BERLIN, '2026-10-23T02:15', '2026-10-25T00:15:00Z'],
    ])('with the machine clock at %s, %s %s', (now, zone, start, firstOccurrence) => {
      Settings.now = () => Date.parse(now);
      const s = schedule(zone, [layer('primary', users, start)]);
      expect(who(s, justBefore(firstOccurrence))).toEqual(['bob']);
      expect(who(s, firstOccurrence)).toEqual(['cat']);
    });
  });
});

describe('whoIsOnCall: Shanghai business hours over a 24/7 base', () => {
  // Nights: one person. Weekdays 09–17: business people, weekly. Weekends: their own weekly rotation.
  const s = schedule(SHANGHAI, [
    layer('nights', ['nate'], '2026-01-01T00:00', WEEKLY),
    layer('weekend', ['wendy', 'walt'], '2026-01-03T00:00', WEEKLY, [{ days: ['sat', 'sun'], start: '00:00', end: '24:00' }]),
    layer('business', ['alice', 'bob'], '2026-01-05T09:00', WEEKLY, [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
    ]),
  ]);
  const probes: [string, string, string, string][] = [
    ['Mon 08:59:59.999', '2026-03-09T00:59:59.999Z', 'nate', 'nights'],
    ['Mon 09:00', '2026-03-09T01:00:00Z', 'bob', 'business'],
    ['Wed 12:00', '2026-03-11T04:00:00Z', 'bob', 'business'],
    ['Wed 16:59:59.999', '2026-03-11T08:59:59.999Z', 'bob', 'business'],
    ['Wed 17:00', '2026-03-11T09:00:00Z', 'nate', 'nights'],
    ['Fri 23:59:59.999', '2026-03-13T15:59:59.999Z', 'nate', 'nights'],
    ['Sat 00:00', '2026-03-13T16:00:00Z', 'wendy', 'weekend'],
    ['Sun 12:00', '2026-03-15T04:00:00Z', 'wendy', 'weekend'],
    ['Mon 00:00', '2026-03-15T16:00:00Z', 'nate', 'nights'],
    ['next Mon 09:00', '2026-03-16T01:00:00Z', 'alice', 'business'],
    ['next Sat 10:00', '2026-03-21T02:00:00Z', 'walt', 'weekend'],
  ];
  it.each(probes)('%s local (%s) → %s', (_local, utc, user, layerName) => {
    expect(whoIsOnCall(s, new Date(utc))).toEqual<OnCallAnswer>({ userIds: [user], source: 'layer', layer: layerName });
  });
});

describe('whoIsOnCall: restriction windows', () => {
  const over = (zone: string, restrictions: Restriction[]) =>
    schedule(zone, [layer('base', ['dan'], '2026-01-01T00:00', WEEKLY), layer('restricted', ['rita'], '2026-01-01T00:00', WEEKLY, restrictions)]);
  const nightly = over(BERLIN, [{ days: ALL_WEEK, start: '22:00', end: '06:00' }]);
  const weekend = over(NY, [
    { days: ['fri'], start: '18:00', end: '24:00' },
    { days: ['sat', 'sun'], start: '00:00', end: '24:00' },
    { days: ['mon'], start: '00:00', end: '09:00' },
  ]);
  const fridayNight = over(SHANGHAI, [{ days: ['fri'], start: '18:00', end: '09:00' }]);
  const cases: [string, Schedule, string, string][] = [
    ['nightly: just before 22:00', nightly, '2026-03-10T20:59:59.999Z', 'dan'],
    ['nightly: 22:00', nightly, '2026-03-10T21:00:00Z', 'rita'],
    ['nightly: just before 06:00', nightly, '2026-03-11T04:59:59.999Z', 'rita'],
    ['nightly: 06:00', nightly, '2026-03-11T05:00:00Z', 'dan'],
    ['nightly, spring-forward night: 22:00 CET', nightly, '2026-03-28T21:00:00Z', 'rita'],
    ['nightly, spring-forward night: just before 06:00 CEST', nightly, '2026-03-29T03:59:59.999Z', 'rita'],
    ['nightly, spring-forward night: 06:00 CEST', nightly, '2026-03-29T04:00:00Z', 'dan'],
    ['nightly, fall-back night: 22:00 CEST', nightly, '2026-10-24T20:00:00Z', 'rita'],
    ['nightly, fall-back night: just before 06:00 CET', nightly, '2026-10-25T04:59:59.999Z', 'rita'],
    ['nightly, fall-back night: 06:00 CET', nightly, '2026-10-25T05:00:00Z', 'dan'],
    ['weekend: Fri just before 18:00', weekend, '2026-03-06T22:59:59.999Z', 'dan'],
    ['weekend: Fri 18:00', weekend, '2026-03-06T23:00:00Z', 'rita'],
    ['weekend: Sat midnight seam', weekend, '2026-03-07T05:00:00Z', 'rita'],
    ['weekend: Sun (spring-forward day) 12:00', weekend, '2026-03-08T16:00:00Z', 'rita'],
    ['weekend: Mon just before 09:00', weekend, '2026-03-09T12:59:59.999Z', 'rita'],
    ['weekend: Mon 09:00', weekend, '2026-03-09T13:00:00Z', 'dan'],
    ['fri 18:00–09:00: Fri 18:00', fridayNight, '2026-03-13T10:00:00Z', 'rita'],
    ['fri 18:00–09:00: Sat just before 09:00', fridayNight, '2026-03-14T00:59:59.999Z', 'rita'],
    ['fri 18:00–09:00: Sat 09:00', fridayNight, '2026-03-14T01:00:00Z', 'dan'],
    ['fri 18:00–09:00: Sat 18:00 (days are start days)', fridayNight, '2026-03-14T10:00:00Z', 'dan'],
  ];
  it.each(cases)('%s', (_name, s, utc, user) => {
    expect(who(s, utc)).toEqual([user]);
  });

  // Window edges in a gap move forward with the clock; a window wholly inside the gap is empty that
  // day; a repeated edge means its first occurrence, so 01:00–01:30 on fall-back day runs once.
  const dst: [string, Restriction, string, string][] = [
    ['sun 02:30–05:00 opens at 03:30 EDT on 03-08', { days: ['sun'], start: '02:30', end: '05:00' }, '2026-03-08T07:29:59.999Z', 'dan'],
    ['sun 02:30–05:00: 03:30 EDT', { days: ['sun'], start: '02:30', end: '05:00' }, '2026-03-08T07:30:00Z', 'rita'],
    ['sun 02:30–05:00: 05:00 EDT', { days: ['sun'], start: '02:30', end: '05:00' }, '2026-03-08T09:00:00Z', 'dan'],
    ['sun 02:30–05:00 on an ordinary Sunday: 02:30 EST', { days: ['sun'], start: '02:30', end: '05:00' }, '2026-03-01T07:30:00Z', 'rita'],
    ['sun 02:00–03:00 is empty on 03-08: 01:59 EST', { days: ['sun'], start: '02:00', end: '03:00' }, '2026-03-08T06:59:59.999Z', 'dan'],
    ['sun 02:00–03:00 is empty on 03-08: 03:00 EDT', { days: ['sun'], start: '02:00', end: '03:00' }, '2026-03-08T07:00:00Z', 'dan'],
    ['sun 02:00–03:00 on the next Sunday', { days: ['sun'], start: '02:00', end: '03:00' }, '2026-03-15T06:30:00Z', 'rita'],
    ['sun 01:00–01:30 on 11-01: first 01:00', { days: ['sun'], start: '01:00', end: '01:30' }, '2026-11-01T05:00:00Z', 'rita'],
    ['sun 01:00–01:30 on 11-01: second 01:00', { days: ['sun'], start: '01:00', end: '01:30' }, '2026-11-01T06:00:00Z', 'dan'],
    ['sun 01:30–03:00 on 11-01 covers the repeated hour', { days: ['sun'], start: '01:30', end: '03:00' }, '2026-11-01T06:45:00Z', 'rita'],
    ['sun 01:30–03:00 on 11-01: 03:00 EST', { days: ['sun'], start: '01:30', end: '03:00' }, '2026-11-01T08:00:00Z', 'dan'],
  ];
  it.each(dst)('New York DST: %s', (_name, restriction, utc, user) => {
    expect(who(over(NY, [restriction]), utc)).toEqual([user]);
  });

  it('equal start and end make a full day; 00:00–24:00 is the whole day', () => {
    const fullDay = over(SHANGHAI, [{ days: ['mon'], start: '10:00', end: '10:00' }]);
    expect(who(fullDay, '2026-03-10T01:59:59.999Z')).toEqual(['rita']); // Tue 09:59:59.999
    expect(who(fullDay, '2026-03-10T02:00:00Z')).toEqual(['dan']);
    const wholeDay = over(NY, [{ days: ['sun'], start: '00:00', end: '24:00' }]);
    expect(who(wholeDay, '2026-03-08T05:00:00Z')).toEqual(['rita']); // Sun 00:00 EST
    expect(who(wholeDay, '2026-03-09T03:59:59.999Z')).toEqual(['rita']); // Sun 23:59:59.999 EDT
    expect(who(wholeDay, '2026-03-09T04:00:00Z')).toEqual(['dan']);
  });
});

describe('whoIsOnCall: invalid schedules throw clear errors', () => {
  const at = '2026-03-10T00:00:00Z';
  const restricted = (start: string, end: string) => schedule(NY, [layer('l', ['u'], '2026-01-01T00:00', DAILY, [{ days: ['mon'], start, end }])]);
  it.each([
    ['9:00', '17:00'], ['09:00', '25:00'], ['12:60', '13:00'], ['', '13:00'], ['24:00', '09:00'],
    ['ab:cd', '10:00'], ['09:00:00', '10:00'], ['09:00', '24:01'], [' 09:00', '10:00'],
  ])('restriction %j–%j', (start, end) => {
    expect(() => whoIsOnCall(restricted(start, end), new Date(at))).toThrow(/layer "l": invalid time ".*": expected HH:mm/);
  });
  it.each<[string, Schedule, RegExp]>([
    ['unknown zone', schedule('Mars/Olympus', [layer('l', ['u'], '2026-01-01T00:00')]), /unknown time zone "Mars\/Olympus"/],
    ['start with an offset', schedule(NY, [layer('l', ['u'], '2026-01-01T00:00+01:00')]), /invalid local date-time/],
    ['impossible start date', schedule(NY, [layer('l', ['u'], '2026-02-30T09:00')]), /invalid local date-time/],
    ['zero rotation', schedule(NY, [layer('l', ['u'], '2026-01-01T00:00', { every: 0, unit: 'days' })]), /layer "l": rotation.every must be a whole number/],
    ['no users', schedule(NY, [layer('l', [], '2026-01-01T00:00')]), /at least one user/],
    ['start with odd seconds', schedule(NY, [layer('l', ['u'], '2026-01-01T00:00:30')]), /invalid local date-time/],
    ['unknown weekday', schedule(NY, [layer('l', ['u'], '2026-01-01T00:00', DAILY, [{ days: ['monday' as 'mon'], start: '09:00', end: '17:00' }])]), /invalid restriction days \["monday"\]/],
  ])('%s', (_name, s, message) => {
    expect(() => whoIsOnCall(s, new Date(at))).toThrow(message);
  });
  it('accepts ":00" seconds on a layer start', () => {
    expect(who(schedule(NY, [layer('l', ['u'], '2026-01-01T00:00:00')]), at)).toEqual(['u']);
  });
  it('rejects an invalid Date', () => {
    expect(() => whoIsOnCall(schedule(NY, []), new Date('nope'))).toThrow(/invalid Date/);
  });
});

describe('whoIsOnCall: overrides', () => {
  // Berlin, daily 09:00 handoffs from Mon 2026-03-02: ann Mon, bob Tue, ann Wed… (09:00 CET = 08:00Z).
  const base = [layer('primary', ['ann', 'bob'], '2026-03-02T09:00')];
  const ovr = (userId: string, start: string, end: string, replaces?: string): ScheduleOverride => ({
    userId, start: new Date(start), end: new Date(end), replaces: replaces ?? null,
  });
  type Probe = [string, string[], OnCallAnswer['source']];
  const cases: { name: string; overrides: ScheduleOverride[]; probes: Probe[] }[] = [
    { name: 'whole-schedule override, half-open', overrides: [ovr('olga', '2026-03-02T10:00Z', '2026-03-02T12:00Z')],
      probes: [['2026-03-02T09:59:59.999Z', ['ann'], 'layer'], ['2026-03-02T10:00Z', ['olga'], 'override'],
        ['2026-03-02T11:59:59.999Z', ['olga'], 'override'], ['2026-03-02T12:00Z', ['ann'], 'layer']] },
    { name: 'whole-schedule override before any layer starts', overrides: [ovr('olga', '2026-03-02T00:00Z', '2026-03-02T12:00Z')],
      probes: [['2026-03-02T07:00Z', ['olga'], 'override']] },
    { name: 'replaces applies only while the replaced user is on call', overrides: [ovr('sam', '2026-03-02T00:00Z', '2026-03-05T00:00Z', 'ann')],
      probes: [['2026-03-02T07:00Z', [], 'none'], ['2026-03-02T12:00Z', ['sam'], 'override'],
        ['2026-03-03T12:00Z', ['bob'], 'layer'], ['2026-03-04T12:00Z', ['sam'], 'override'], ['2026-03-05T12:00Z', ['bob'], 'layer']] },
    { name: 'shift swap as two replaces overrides', overrides: [
        ovr('bob', '2026-03-02T08:00Z', '2026-03-03T08:00Z', 'ann'), ovr('ann', '2026-03-03T08:00Z', '2026-03-04T08:00Z', 'bob')],
      probes: [['2026-03-02T12:00Z', ['bob'], 'override'], ['2026-03-03T12:00Z', ['ann'], 'override'], ['2026-03-04T12:00Z', ['ann'], 'layer']] },
    // replaces is matched against the layers, not other overrides, so a swap may overlap freely.
    { name: 'shift swap whose overrides both span both days', overrides: [
        ovr('bob', '2026-03-02T08:00Z', '2026-03-04T08:00Z', 'ann'), ovr('ann', '2026-03-02T08:00Z', '2026-03-04T08:00Z', 'bob')],
      probes: [['2026-03-02T12:00Z', ['bob'], 'override'], ['2026-03-03T12:00Z', ['ann'], 'override']] },
    { name: 'overlapping overrides: the one that started last wins', overrides: [
        ovr('xena', '2026-03-02T10:00Z', '2026-03-02T14:00Z'), ovr('yuri', '2026-03-02T12:00Z', '2026-03-02T13:00Z')],
      probes: [['2026-03-02T11:00Z', ['xena'], 'override'], ['2026-03-02T12:00Z', ['yuri'], 'override'],
        ['2026-03-02T13:00Z', ['xena'], 'override'], ['2026-03-02T14:00Z', ['ann'], 'layer']] },
    { name: 'overlapping overrides listed in the other order', overrides: [
        ovr('yuri', '2026-03-02T12:00Z', '2026-03-02T13:00Z'), ovr('xena', '2026-03-02T10:00Z', '2026-03-02T14:00Z')],
      probes: [['2026-03-02T12:30Z', ['yuri'], 'override'], ['2026-03-02T13:30Z', ['xena'], 'override']] },
    { name: 'equal starts: the later in the list wins', overrides: [
        ovr('xena', '2026-03-02T10:00Z', '2026-03-02T12:00Z'), ovr('yuri', '2026-03-02T10:00Z', '2026-03-02T11:00Z')],
      probes: [['2026-03-02T10:30Z', ['yuri'], 'override'], ['2026-03-02T11:30Z', ['xena'], 'override']] },
    { name: 'a later replaces override that does not apply leaves an earlier one in force', overrides: [
        ovr('xena', '2026-03-02T10:00Z', '2026-03-02T14:00Z'), ovr('zoe', '2026-03-02T11:00Z', '2026-03-02T13:00Z', 'bob')],
      probes: [['2026-03-02T12:00Z', ['xena'], 'override']] },
    { name: 'a later replaces override that applies beats an earlier whole override', overrides: [
        ovr('xena', '2026-03-02T10:00Z', '2026-03-02T14:00Z'), ovr('zoe', '2026-03-02T11:00Z', '2026-03-02T13:00Z', 'ann')],
      probes: [['2026-03-02T10:30Z', ['xena'], 'override'], ['2026-03-02T12:00Z', ['zoe'], 'override'], ['2026-03-02T13:30Z', ['xena'], 'override']] },
    { name: 'an override that ends before it starts never applies', overrides: [ovr('olga', '2026-03-02T12:00Z', '2026-03-02T10:00Z')],
      probes: [['2026-03-02T11:00Z', ['ann'], 'layer']] },
  ];
  it.each(cases)('$name', ({ overrides, probes }) => {
    const s = schedule(BERLIN, base, overrides);
    for (const [utc, userIds, source] of probes) {
      expect(whoIsOnCall(s, new Date(utc)), utc).toEqual<OnCallAnswer>({ userIds, source, layer: source === 'layer' ? 'primary' : null });
    }
  });
});
