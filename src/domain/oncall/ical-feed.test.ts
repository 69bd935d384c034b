import { describe, it, expect } from 'vitest';
import { scheduleCalendar, userCalendar } from './ical-feed.js';
import { onCallSegments, shiftsOf } from './on-call-timeline.js';
import type { RotationLayer, Schedule, ScheduleOverride } from './schedule-types.js';

interface ParsedCalendar {
  props: Record<string, string>;
  events: Record<string, string>[];
}

/** Just enough RFC 5545 to check structure: unfold lines, check BEGIN/END nesting, read properties. */
function parseIcs(text: string): ParsedCalendar {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((line) => line !== '');
  expect(lines[0]).toBe('BEGIN:VCALENDAR');
  expect(lines.at(-1)).toBe('END:VCALENDAR');
  const stack: string[] = [];
  const calendar: ParsedCalendar = { props: {}, events: [] };
  for (const line of lines) {
    const [, name = '', value = ''] = /^([A-Z-]+)(?:;[^:]*)?:(.*)$/.exec(line) ?? [];
    expect(name, line).not.toBe('');
    if (name === 'BEGIN') {
      stack.push(value);
      if (value === 'VEVENT') calendar.events.push({});
    } else if (name === 'END') {
      expect(stack.pop()).toBe(value);
    } else if (stack.at(-1) === 'VEVENT') {
      (calendar.events.at(-1) as Record<string, string>)[name] = value;
    } else if (stack.length === 1) {
      calendar.props[name] = value;
    }
  }
  expect(stack).toEqual([]);
  return calendar;
}

const layer = (name: string, users: string[], start: string): RotationLayer => ({
  name, users, start, rotation: { every: 1, unit: 'days' }, restrictions: [],
});
const names = { alice: 'Alice', bob: 'Bob' };

describe('scheduleCalendar', () => {
  // Daily 09:00 handoffs: the Saturday shift runs 09:00 EST → 09:00 EDT, 23 hours.
  const newYork: Schedule = { id: 'payments', name: 'Payments', timezone: 'America/New_York', overrides: [], layers: [layer('primary', ['alice', 'bob'], '2026-03-02T09:00')] };
  const berlin: Schedule = { id: 'db', name: 'Database', timezone: 'Europe/Berlin', overrides: [], layers: [layer('primary', ['alice', 'bob'], '2026-10-19T09:00')] };

  it.each<[string, Schedule, string, string, number, { start: string; end: string; summary: string }]>([
    ['New York, spring forward (23 h shift)', newYork, '2026-03-05T14:00Z', '2026-03-12T13:00Z', 7,
      { start: '20260307T140000Z', end: '20260308T130000Z', summary: 'On call: Bob' }],
    ['Berlin, fall back (25 h shift)', berlin, '2026-10-22T07:00Z', '2026-10-29T08:00Z', 7,
      { start: '20261024T070000Z', end: '20261025T080000Z', summary: 'On call: Bob' }],
  ])('%s: one VEVENT per segment, UTC times', (_name, schedule, from, to, count, dstShift) => {
    const text = scheduleCalendar(schedule, new Date(from), new Date(to), names);
    const { props, events } = parseIcs(text);
    expect(props['X-WR-CALNAME']).toBe(`On call: ${schedule.name}`);
    expect(events).toHaveLength(count);
    expect(events).toHaveLength(onCallSegments(schedule, new Date(from), new Date(to)).length);
    expect(events).toContainEqual(expect.objectContaining({ DTSTART: dstShift.start, DTEND: dstShift.end, SUMMARY: dstShift.summary }));
    for (const event of events) {
      expect(event.DTSTART).toMatch(/^\d{8}T\d{6}Z$/);
      expect(event.UID).toBe(`oncall-${schedule.id}-${event.DTSTART}@warroom`);
      expect(event.DTSTAMP).toBe(new Date(from).toISOString().replace(/[-:]|\.\d{3}/g, '')); // defaults to `from`
    }
  });

  it('is deterministic, and an override leaves the other events\u2019 UIDs alone', () => {
    const from = new Date('2026-03-05T14:00Z');
    const to = new Date('2026-03-12T13:00Z');
    expect(scheduleCalendar(newYork, from, to, names)).toBe(scheduleCalendar(newYork, from, to, names));
    const withOverride: Schedule = {
      ...newYork,
      overrides: [{ userId: 'carol', start: new Date('2026-03-10T16:00Z'), end: new Date('2026-03-10T18:00Z') } satisfies ScheduleOverride],
    };
    const before = parseIcs(scheduleCalendar(newYork, from, to, names)).events.map((e) => e.UID);
    const after = parseIcs(scheduleCalendar(withOverride, from, to, names)).events;
    expect(after).toHaveLength(before.length + 2); // the day's shift split around the override
    expect(after.map((e) => e.UID)).toEqual(expect.arrayContaining(before));
    expect(new Set(after.map((e) => e.UID)).size).toBe(after.length);
    expect(after).toContainEqual(expect.objectContaining({ SUMMARY: 'On call: carol', DTSTART: '20260310T160000Z', DTEND: '20260310T180000Z' }));
  });

  it('shows gaps as transparent "No one on call" events unless asked not to', () => {
    const businessHours: Schedule = {
      ...newYork,
      layers: [{ ...layer('primary', ['alice'], '2026-03-02T09:00'), restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }] }],
    };
    const from = new Date('2026-03-09T04:00Z'); // Monday 00:00 EDT
    const to = new Date('2026-03-11T04:00Z');
    const all = parseIcs(scheduleCalendar(businessHours, from, to, names)).events;
    expect(all.map((e) => [e.SUMMARY, e.TRANSP])).toEqual([
      ['No one on call', 'TRANSPARENT'],
      ['On call: Alice', 'OPAQUE'],
      ['No one on call', 'TRANSPARENT'],
      ['On call: Alice', 'OPAQUE'],
      ['No one on call', 'TRANSPARENT'],
    ]);
    const covered = parseIcs(scheduleCalendar(businessHours, from, to, names, { includeGaps: false })).events;
    expect(covered.map((e) => [e.DTSTART, e.DTEND])).toEqual([
      ['20260309T130000Z', '20260309T210000Z'],
      ['20260310T130000Z', '20260310T210000Z'],
    ]);
  });

  it('escapes names and falls back to the user id', () => {
    const text = scheduleCalendar(newYork, new Date('2026-03-05T14:00Z'), new Date('2026-03-07T14:00Z'), { alice: 'Doe, Jane; Dr' });
    expect(parseIcs(text).events.map((e) => e.SUMMARY)).toEqual(['On call: bob', 'On call: Doe\\, Jane\\; Dr']);
  });
});

describe('userCalendar', () => {
  const payments: Schedule = { id: 'payments', name: 'Payments', timezone: 'America/New_York', overrides: [], layers: [layer('primary', ['bob', 'alice'], '2026-03-02T09:00')] };
  const search: Schedule = { id: 'search', name: 'Search', timezone: 'Asia/Shanghai', overrides: [], layers: [layer('primary', ['alice', 'bob'], '2026-03-02T09:00')] };
  const from = new Date('2026-03-06T00:00Z');
  const to = new Date('2026-03-10T00:00Z');

  it('has one event per shift across schedules, with UIDs per schedule, user and start', () => {
    const text = userCalendar('alice', [payments, search], from, to, 'Alice', { generatedAt: new Date('2026-03-01T00:00Z') });
    const { props, events } = parseIcs(text);
    expect(props['X-WR-CALNAME']).toBe('On call: Alice');
    const expected = shiftsOf('alice', payments, from, to).length + shiftsOf('alice', search, from, to).length;
    expect(events).toHaveLength(expected);
    expect(events.map((e) => [e.SUMMARY, e.DTSTART, e.DTEND])).toEqual([
      ['On call: Payments', '20260306T000000Z', '20260306T140000Z'],
      ['On call: Payments', '20260307T140000Z', '20260308T130000Z'], // 09:00 EST → 09:00 EDT
      ['On call: Payments', '20260309T130000Z', '20260310T000000Z'],
      ['On call: Search', '20260306T010000Z', '20260307T010000Z'],
      ['On call: Search', '20260308T010000Z', '20260309T010000Z'],
    ]);
    expect(events[1]?.UID).toBe('shift-alice-payments-20260307T140000Z@warroom');
    expect(new Set(events.map((e) => e.UID)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.DTSTAMP))).toEqual(new Set(['20260301T000000Z']));
  });

  it('is empty, but valid, for someone never on call', () => {
    expect(parseIcs(userCalendar('zed', [payments, search], from, to, 'Zed')).events).toEqual([]);
  });
});
