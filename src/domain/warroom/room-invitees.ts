/** Why someone is in a room; the first reason decides how close they are to the incident. */
export type InviteReason = 'on_call' | 'owner' | 'team' | 'expert' | 'escalation' | 'invited';

export interface Invitee {
  userId: string;
  reasons: { kind: InviteReason; detail: string }[];
}

const CLOSENESS: InviteReason[] = ['on_call', 'escalation', 'owner', 'invited', 'expert', 'team'];

/** Merges candidates from every source into one list, closest first, reasons kept. */
export function mergeInvitees(candidates: { userId: string; kind: InviteReason; detail: string }[]): Invitee[] {
  const byUser = new Map<string, Invitee>();
  for (const c of candidates) {
    const entry = byUser.get(c.userId) ?? { userId: c.userId, reasons: [] };
    if (!entry.reasons.some((r) => r.kind === c.kind)) entry.reasons.push({ kind: c.kind, detail: c.detail });
    byUser.set(c.userId, entry);
  }
  const rank = (i: Invitee) => Math.min(...i.reasons.map((r) => CLOSENESS.indexOf(r.kind)));
  for (const entry of byUser.values()) entry.reasons.sort((a, b) => CLOSENESS.indexOf(a.kind) - CLOSENESS.indexOf(b.kind));
  return [...byUser.values()].sort((a, b) => rank(a) - rank(b) || a.userId.localeCompare(b.userId));
}

/** Primary people: on call, reached by escalation, the owner, or invited by hand. */
export const isPrimary = (invitee: Invitee): boolean => invitee.reasons.some((r) => ['on_call', 'escalation', 'owner', 'invited'].includes(r.kind));

export const describeReasons = (invitee: Invitee): string => invitee.reasons.map((r) => r.detail).join('; ');
