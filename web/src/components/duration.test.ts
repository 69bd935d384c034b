import { describe, expect, it } from 'vitest';
import { clockDuration, shortDuration } from './duration';

describe('durations', () => {
  it.each([
    [45_000, '45s', '45秒'],
    [12 * 60_000, '12m', '12分钟'],
    [3 * 3_600_000 + 5 * 60_000, '3h 5m', '3小时5分钟'],
    [2 * 86_400_000, '2d', '2天'],
    [-90_000, '1m', '1分钟'],
  ])('%d ms reads %s / %s', (ms, en, zh) => {
    expect(shortDuration(ms, 'en')).toBe(en);
    expect(shortDuration(ms, 'zh')).toBe(zh);
  });

  it('counts down like a clock', () => {
    expect(clockDuration(245_000)).toBe('4:05');
    expect(clockDuration(3_723_000)).toBe('1:02:03');
  });
});
