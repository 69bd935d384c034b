import { isPrimary, type Invitee } from './room-invitees.js';
import type { RoomClass } from './war-room-policy.js';

export interface MentionDecision {
  mention: { userId: string; reason: string }[];
  /** Relevant but over their budget: no @, a digest later. */
  suppressed: { userId: string; reason: string }[];
}

/**
 * Who is @mentioned in a room, by class: critical everyone relevant; warning the primary people,
 * at most three; info the person on call only. `used` counts each person's unsuppressed mentions
 * in this class within the budget window; past `budget`, they are not @mentioned.
 */
export function mentionPlan(cls: RoomClass, invitees: Invitee[], used: ReadonlyMap<string, number>, budget: number): MentionDecision {
  const relevant =
    cls === 'critical'
      ? invitees
      : cls === 'warning'
        ? invitees.filter(isPrimary).slice(0, 3)
        : invitees.filter((i) => i.reasons.some((r) => r.kind === 'on_call')).slice(0, 1);
  const decision: MentionDecision = { mention: [], suppressed: [] };
  for (const invitee of relevant) {
    const reason = invitee.reasons.map((r) => r.detail).join('; ');
    if ((used.get(invitee.userId) ?? 0) >= budget) decision.suppressed.push({ userId: invitee.userId, reason });
    else decision.mention.push({ userId: invitee.userId, reason });
  }
  return decision;
}
