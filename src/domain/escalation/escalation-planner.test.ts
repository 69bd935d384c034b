import { describe, expect, it } from 'vitest';
import { delayAfter, describePosition, describeStep, nextPosition, stepKey } from './escalation-planner.js';
import type { EscalationPolicy } from './escalation-policy.js';

const policy = (repeat: number, withFallback: boolean): EscalationPolicy => ({
  id: 'p',
  name: 'P',
  repeat,
  levels: [
    { targets: [{ schedule: 'primary' }], escalate_after: 900_000 },
    { targets: [{ user: 'lead' }], escalate_after: 1_800_000 },
  ],
  fallback: withFallback ? [{ user: 'manager' }] : [],
});

/** Walks a policy from the first level to the end, as an escalation nobody acknowledges would. */
function walk(p: EscalationPolicy): string[] {
  const seen: string[] = [];
  let position: ReturnType<typeof nextPosition> = { level: 0, cycle: 0, fallback: false };
  while (position) {
    seen.push(stepKey(position));
    position = nextPosition(p, position);
  }
  return seen;
}

describe('nextPosition', () => {
  it.each([
    ['no repeat, no fallback', policy(0, false), ['c0l0', 'c0l1']],
    ['no repeat, fallback', policy(0, true), ['c0l0', 'c0l1', 'fallback']],
    ['two repeats, fallback', policy(2, true), ['c0l0', 'c0l1', 'c1l0', 'c1l1', 'c2l0', 'c2l1', 'fallback']],
  ])('%s', (_name, p, expected) => {
    expect(walk(p)).toEqual(expected);
  });
});

describe('delayAfter', () => {
  it("waits the level's own time, tightened (never loosened) by the severity policy", () => {
    const p = policy(0, true);
    expect(delayAfter(p, { level: 0, cycle: 0, fallback: false }, null)).toBe(900_000);
    expect(delayAfter(p, { level: 1, cycle: 0, fallback: false }, 300_000)).toBe(300_000);
    expect(delayAfter(p, { level: 0, cycle: 0, fallback: false }, 3_600_000)).toBe(900_000);
    expect(delayAfter(p, { level: 1, cycle: 0, fallback: true }, 300_000)).toBe(0);
  });

  it('describes positions the way the timeline shows them', () => {
    expect(describePosition({ level: 0, cycle: 0, fallback: false })).toBe('level 1');
    expect(describePosition({ level: 1, cycle: 2, fallback: false })).toBe('level 2 (repeat 2)');
    expect(describePosition({ level: 1, cycle: 2, fallback: true })).toBe('fallback');
  });
});

describe('describeStep', () => {
  it.each([
    ['c0l0', 'level 1'],
    ['c0l2', 'level 3'],
    ['c1l0', 'level 1 (repeat 1)'],
    ['fallback', 'fallback'],
    ['manual', 'manual'],
  ])('%s reads as %s', (step, words) => {
    expect(describeStep(step)).toBe(words);
  });
});
