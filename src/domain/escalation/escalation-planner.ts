import type { EscalationTarget } from '../../contracts/index.js';
import type { EscalationPolicy, EscalationPosition } from './escalation-policy.js';

/** The targets paged at a position. */
export function targetsAt(policy: EscalationPolicy, position: EscalationPosition): EscalationTarget[] {
  return position.fallback ? policy.fallback : (policy.levels[position.level]?.targets ?? []);
}

/** How long to wait after paging a position before the next one; a severity can tighten every level. */
export function delayAfter(policy: EscalationPolicy, position: EscalationPosition, severityOverrideMs: number | null): number {
  if (position.fallback) return 0;
  const levelWait = policy.levels[position.level]?.escalate_after ?? 0;
  return severityOverrideMs === null ? levelWait : Math.min(levelWait, severityOverrideMs);
}

/**
 * Pure: the position after this one. Levels run in order; the whole list runs `repeat` more times;
 * then the fallback (management) once, if the policy has one; then nothing.
 */
export function nextPosition(policy: EscalationPolicy, position: EscalationPosition): EscalationPosition | null {
  if (position.fallback) return null;
  if (position.level + 1 < policy.levels.length) return { level: position.level + 1, cycle: position.cycle, fallback: false };
  if (position.cycle < policy.repeat) return { level: 0, cycle: position.cycle + 1, fallback: false };
  return policy.fallback.length ? { level: position.level, cycle: position.cycle, fallback: true } : null;
}

export const stepKey = (position: EscalationPosition): string => (position.fallback ? 'fallback' : `c${position.cycle}l${position.level}`);

/** A stored step key (stepKey) in words for people, as describePosition says it; other keys as they are. */
export function describeStep(step: string): string {
  if (step === 'fallback') return describePosition({ level: 0, cycle: 0, fallback: true });
  const match = /^c(\d+)l(\d+)$/.exec(step);
  return match ? describePosition({ level: Number(match[2]), cycle: Number(match[1]), fallback: false }) : step;
}

export function describePosition(position: EscalationPosition): string {
  return position.fallback ? 'fallback' : `level ${position.level + 1}${position.cycle ? ` (repeat ${position.cycle})` : ''}`;
}
