/**
 * The incident lifecycle as one transition table. Every status change in warroom goes through
 * `transition()`; callers turn its decision into a row update plus a timeline event.
 */
export const INCIDENT_STATUSES = [
  'triggered',
  'acknowledged',
  'investigating',
  'identified',
  'containing',
  'eradicating',
  'recovering',
  'monitoring',
  'resolved',
  'closed',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses in which someone is working the incident (after acknowledgement, before resolution). */
export const WORKING_STATUSES = [
  'acknowledged',
  'investigating',
  'identified',
  'containing',
  'eradicating',
  'recovering',
  'monitoring',
] as const satisfies readonly IncidentStatus[];

export const OPEN_STATUSES = ['triggered', ...WORKING_STATUSES] as const satisfies readonly IncidentStatus[];

const TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  triggered: [...WORKING_STATUSES, 'resolved'],
  acknowledged: [...WORKING_STATUSES.filter((s) => s !== 'acknowledged'), 'resolved'],
  investigating: ['identified', 'containing', 'eradicating', 'recovering', 'monitoring', 'resolved'],
  identified: ['investigating', 'containing', 'eradicating', 'recovering', 'monitoring', 'resolved'],
  containing: ['investigating', 'identified', 'eradicating', 'recovering', 'monitoring', 'resolved'],
  eradicating: ['investigating', 'identified', 'containing', 'recovering', 'monitoring', 'resolved'],
  recovering: ['investigating', 'identified', 'containing', 'eradicating', 'monitoring', 'resolved'],
  monitoring: ['investigating', 'identified', 'containing', 'eradicating', 'recovering', 'resolved'],
  resolved: ['triggered', 'closed'],
  closed: ['triggered'],
};

export type LifecycleEvent =
  | { type: 'acknowledge' }
  | { type: 'resolve' }
  | { type: 'reopen' }
  | { type: 'close' }
  | { type: 'set_status'; to: IncidentStatus };

export type TransitionDecision =
  | { ok: true; from: IncidentStatus; to: IncidentStatus; acknowledges: boolean }
  | { ok: false; from: IncidentStatus; reason: string };

export const isOpenStatus = (status: string): boolean => (OPEN_STATUSES as readonly string[]).includes(status);

export const isIncidentStatus = (value: unknown): value is IncidentStatus =>
  typeof value === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(value);

function targetOf(from: IncidentStatus, event: LifecycleEvent): IncidentStatus | string {
  switch (event.type) {
    case 'acknowledge':
      if (from === 'triggered') return 'acknowledged';
      return isOpenStatus(from) ? 'is already acknowledged' : `is ${from}; reopen it first`;
    case 'resolve':
      return isOpenStatus(from) ? 'resolved' : `is already ${from}`;
    case 'reopen':
      return isOpenStatus(from) ? 'is still open' : 'triggered';
    case 'close':
      return from === 'resolved' ? 'closed' : from === 'closed' ? 'is already closed' : 'must be resolved before it is closed';
    case 'set_status':
      return event.to;
  }
}

export function transition(from: IncidentStatus, event: LifecycleEvent): TransitionDecision {
  const target = targetOf(from, event);
  if (!isIncidentStatus(target)) return { ok: false, from, reason: `incident ${target}` };
  if (!TRANSITIONS[from].includes(target)) {
    return { ok: false, from, reason: `cannot move an incident from ${from} to ${target}` };
  }
  // Moving out of "triggered" into any working status counts as the acknowledgement.
  const acknowledges = from === 'triggered' && (WORKING_STATUSES as readonly string[]).includes(target);
  return { ok: true, from, to: target, acknowledges };
}
