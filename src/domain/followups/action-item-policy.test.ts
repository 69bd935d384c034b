import { describe, expect, it } from 'vitest';
import { defaultDueAt, isOverdue, reminderAt, severityClass } from './action-item-policy.js';

const now = new Date('2026-11-23T10:00:00Z');
const MIN = 60_000;
const H = 60 * MIN;
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

describe('due time by severity', () => {
  it.each([
    ['P0', 'critical', 2 * H],
    ['P1', 'critical', 2 * H],
    ['P2', 'warning', 24 * H],
    ['P3', 'info', 72 * H],
    ['P7', 'info', 72 * H],
  ])('%s is %s: due %d ms after creation', (severity, expectedClass, window) => {
    expect(severityClass(severity)).toBe(expectedClass);
    expect(defaultDueAt(severity, now).getTime() - now.getTime()).toBe(window);
  });
});

describe('reminder time', () => {
  it.each([
    ['2 h window: 25% (30 min) before due', 2 * H, 90 * MIN],
    ['24 h window: 6 h before due', 24 * H, 18 * H],
    ['3 d window: 18 h before due', 72 * H, 54 * H],
    ['40 min window: the 15 min minimum wins over 25%', 40 * MIN, 25 * MIN],
    ['exactly 30 min: 15 min before, which is also halfway', 30 * MIN, 15 * MIN],
    ['10 min window: halfway, not in the past', 10 * MIN, 5 * MIN],
    ['due now: remind now', 0, 0],
    ['already overdue: remind now, never in the past', -H, 0],
  ])('%s', (_name, dueOffset, expectedOffset) => {
    expect(reminderAt(at(dueOffset), now).getTime() - now.getTime()).toBe(expectedOffset);
  });

  it('is never before now and never after the due time, over many windows', () => {
    for (let minutes = 1; minutes <= 5000; minutes += 7) {
      const due = at(minutes * MIN);
      const reminder = reminderAt(due, now).getTime();
      expect(reminder).toBeGreaterThan(now.getTime());
      expect(reminder).toBeLessThan(due.getTime());
    }
  });
});

describe('overdue', () => {
  it.each([
    [-1, false],
    [0, true],
    [1, true],
  ])('now at due %+d ms → overdue %s', (delta, expected) => {
    const due = at(H);
    expect(isOverdue(due, new Date(due.getTime() + delta))).toBe(expected);
  });
});
