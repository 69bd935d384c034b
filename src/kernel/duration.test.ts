import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    ['1h30m', 5_400_000],
    ['1m30ms', 60_030],
    ['2d3h4m5s', 183_845_000],
    [' 5m ', 300_000],
    ['0s', 0],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['5 minutes', '5', 'm', '', '   ', '1h 30m', '-5m', '5M', '1.5.5m', '5mm', 'h1', '1y'])('%j is refused with a hint', (text) => {
    expect(() => parseDuration(text)).toThrow(`"${text}" is not a duration (use forms like 30s, 5m, 1h30m, 2d)`);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [499, '0s'],
    [1_499, '1s'],
    [45_000, '45s'],
    [61_000, '1m 1s'],
    [300_000, '5m'],
    [3_661_000, '1h 1m'],
    [5_400_000, '1h 30m'],
    [86_400_000, '1d'],
    [86_401_000, '1d'],
    [90_061_000, '1d 1h'],
    [183_845_000, '2d 3h'],
    [-300_000, '-5m'],
  ])('%i ms → %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  // Known bug (see report): a negative duration that rounds to zero seconds prints "-0s".
  it('a negative duration that rounds to nothing is "0s", not "-0s"', () => {
    expect(formatDuration(-400)).toBe('0s');
  });

  it.each(['45s', '5m', '1h30m', '2d3h'])('round-trips %j through parse and format', (text) => {
    expect(formatDuration(parseDuration(text)).replace(/ /g, '')).toBe(text);
  });
});
