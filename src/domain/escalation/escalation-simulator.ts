import type { Db } from '../../db/database.js';
import { NotFoundError, type Severity } from '../../kernel/index.js';
import { loadUserContacts, planUserChannels, severityPolicies } from '../notify/index.js';
import type { RuntimeSettings } from '../services/index.js';
import { delayAfter, describePosition, nextPosition, stepKey, targetsAt } from './escalation-planner.js';
import { loadPolicy, policyIdFor, type EscalationPosition } from './escalation-policy.js';
import { resolveTargets } from './target-resolver.js';

export interface SimulatedStep {
  at: Date;
  step: string;
  label: string;
  users: { userId: string; reason: string; channels: { channel: string; at: Date }[]; skipped: { channel: string; reason: string }[] }[];
}

export interface Simulation {
  serviceId: string;
  severity: Severity;
  policyId: string | null;
  note: string | null;
  steps: SimulatedStep[];
}

/**
 * "For an incident on service X with severity Y at time T, who is paged, when, on which channels",
 * assuming nobody acknowledges. It walks the same planner, target resolver and channel planner the
 * real escalation uses, at each step's own time (so shift changes and overrides count).
 */
export async function simulateEscalation(
  db: Db,
  input: { serviceId: string; severity: Severity; at: Date },
  deps: { settings: RuntimeSettings; availableChannels: ReadonlySet<string> },
): Promise<Simulation> {
  const service = await db.selectFrom('services').select('id').where('id', '=', input.serviceId).executeTakeFirst();
  if (!service) throw new NotFoundError(`service ${input.serviceId} not found`);
  const base = { serviceId: input.serviceId, severity: input.severity, steps: [] as SimulatedStep[] };
  const severityPolicy = severityPolicies(deps.settings.notifications.severity_policy)[input.severity];
  if (severityPolicy.recordOnly) return { ...base, policyId: null, note: `${input.severity} is record-only: nobody is paged` };
  const policyId = await policyIdFor(db, input.serviceId, input.severity);
  const policy = policyId ? await loadPolicy(db, policyId) : null;
  if (!policy) return { ...base, policyId, note: `no escalation policy for service ${input.serviceId}: nobody is paged` };

  let position: EscalationPosition | null = { level: 0, cycle: 0, fallback: false };
  let at = input.at;
  while (position) {
    const targets = await resolveTargets(db, targetsAt(policy, position), at);
    const contacts = await loadUserContacts(db, targets.map((t) => t.userId));
    const users = targets
      .filter((t) => contacts.has(t.userId))
      .map((t) => {
        const plan = planUserChannels(contacts.get(t.userId)!, input.severity, severityPolicy, deps.availableChannels);
        return {
          userId: t.userId,
          reason: t.reason,
          channels: plan.steps.map((s) => ({ channel: s.channel, at: new Date(at.getTime() + s.delayMs) })),
          skipped: plan.skipped,
        };
      });
    base.steps.push({ at, step: stepKey(position), label: describePosition(position), users });
    const wait = users.length ? delayAfter(policy, position, severityPolicy.escalateAfterMs) : 0;
    position = nextPosition(policy, position);
    at = new Date(at.getTime() + wait);
  }
  return { ...base, policyId: policy.id, note: null };
}
