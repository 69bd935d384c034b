import type { Db } from '../../db/database.js';
import { formatDuration, type Severity } from '../../kernel/index.js';
import { cancelJob, enqueue, enqueueMany } from '../../queue/index.js';
import { actorLabel, recordTimeline, systemActor, type Actor } from '../incidents/index.js';
import { writeAudit } from '../access/index.js';
import { cancelPendingPages, loadUserContacts, planUserChannels, schedulePages, severityPolicies } from '../notify/index.js';
import type { RuntimeSettings } from '../services/index.js';
import { describePosition, delayAfter, nextPosition, stepKey, targetsAt } from './escalation-planner.js';
import { choosePolicyId, loadPolicy, type EscalationPosition } from './escalation-policy.js';
import { resolveTargets } from './target-resolver.js';

export const ESCALATION_STEP_TASK = 'escalation-step';
export const escalationJobKey = (incidentId: string) => `escalation:${incidentId}`;

export interface EscalationDeps {
  settings: RuntimeSettings;
  /** Channels warroom can send on now (configured providers plus the built-in inbox). */
  availableChannels: ReadonlySet<string>;
}

/** Starts escalation for a newly triggered incident: level 1 now, in the caller's transaction. */
export async function startEscalation(tx: Db, incidentId: string, now: Date, deps: EscalationDeps): Promise<'started' | 'skipped'> {
  return (await startEscalations(tx, [incidentId], now, deps)).get(incidentId) ?? 'skipped';
}

/**
 * Starts escalation for many new incidents in a handful of statements: an alert storm opens
 * thousands of incidents, and each must start paging without a round trip of its own.
 */
export async function startEscalations(tx: Db, incidentIds: string[], now: Date, deps: EscalationDeps): Promise<Map<string, 'started' | 'skipped'>> {
  const outcome = new Map<string, 'started' | 'skipped'>();
  if (!incidentIds.length) return outcome;
  const rows = await tx
    .selectFrom('incidents as i')
    .leftJoin('services as s', 's.id', 'i.service_id')
    .leftJoin('escalations as e', 'e.incident_id', 'i.id')
    .select(['i.id', 'i.status', 'i.severity', 'i.service_id', 's.escalation_policy_id', 's.escalation_by_severity', 'e.state as escalation_state'])
    .where('i.id', 'in', incidentIds)
    .execute();
  const policies = severityPolicies(deps.settings.notifications.severity_policy);
  const timeline: Parameters<typeof recordTimeline>[1] = [];
  const started: { incidentId: string; policyId: string }[] = [];
  for (const row of rows) {
    outcome.set(row.id, 'skipped');
    if (row.status !== 'triggered' || row.escalation_state === 'active') continue;
    const severity = row.severity as Severity;
    const note = (summary: string) => timeline.push({ incidentId: row.id, at: now, kind: 'escalation.skipped', actor: systemActor, summary });
    if (policies[severity].recordOnly) {
      note(`${severity} is record-only: nobody is paged`);
      continue;
    }
    const policyId = choosePolicyId({ escalation_policy_id: row.escalation_policy_id, escalation_by_severity: row.escalation_by_severity as Record<string, string> | null }, severity);
    if (!policyId) {
      note(`no escalation policy for ${row.service_id ? `service ${row.service_id}` : 'incidents without a service'}: nobody is paged`);
      continue;
    }
    started.push({ incidentId: row.id, policyId });
    outcome.set(row.id, 'started');
    timeline.push({ incidentId: row.id, at: now, kind: 'escalation.started', actor: systemActor, summary: `Escalation started with policy ${policyId}` });
  }
  if (started.length) {
    await tx
      .insertInto('escalations')
      .values(started.map((s) => ({ incident_id: s.incidentId, policy_id: s.policyId, level: 0, cycle: 0, fallback: false, state: 'active' as const, next_step_at: now, started_at: now, updated_at: now })))
      .onConflict((oc) =>
        oc.column('incident_id').doUpdateSet((eb) => ({
          policy_id: eb.ref('excluded.policy_id'),
          level: 0,
          cycle: 0,
          fallback: false,
          state: 'active',
          next_step_at: now,
          started_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await enqueueMany(tx, started.map((s) => ({ task: ESCALATION_STEP_TASK, payload: { incidentId: s.incidentId }, runAt: now, jobKey: escalationJobKey(s.incidentId) })));
  }
  await recordTimeline(tx, timeline);
  return outcome;
}

/**
 * One escalation step, idempotent: re-reads state and does nothing if the incident moved on or the
 * step is not due. Pages the current position, then schedules the next one (same job key).
 */
export async function runEscalationStep(tx: Db, incidentId: string, now: Date, deps: EscalationDeps): Promise<string> {
  // One read for both: the escalation row (locked) and the incident it serves.
  const escalation = await tx
    .selectFrom('escalations as e')
    .innerJoin('incidents as i', 'i.id', 'e.incident_id')
    .select(['e.policy_id', 'e.level', 'e.cycle', 'e.fallback', 'e.state', 'e.next_step_at', 'i.status', 'i.severity'])
    .where('e.incident_id', '=', incidentId)
    .forUpdate('e')
    .executeTakeFirst();
  if (!escalation || escalation.state !== 'active') return 'inactive';
  const incident = { status: escalation.status, severity: escalation.severity };
  if (incident.status !== 'triggered') {
    await stopEscalation(tx, incidentId, incident.status, now);
    return 'stopped';
  }
  if (escalation.next_step_at && escalation.next_step_at.getTime() > now.getTime() + 1000) {
    // Ran early (clocks disagree): put the step back at its time rather than lose it.
    await enqueue(tx, ESCALATION_STEP_TASK, { incidentId }, { runAt: escalation.next_step_at, jobKey: escalationJobKey(incidentId) });
    return 'not-due';
  }
  const policy = await loadPolicy(tx, escalation.policy_id);
  if (!policy) {
    await tx.updateTable('escalations').set({ state: 'exhausted', next_step_at: null, updated_at: now }).where('incident_id', '=', incidentId).execute();
    await recordTimeline(tx, [{ incidentId, at: now, kind: 'escalation.exhausted', actor: systemActor, summary: `Escalation policy ${escalation.policy_id} no longer exists` }]);
    return 'exhausted';
  }
  const severity = incident.severity as Severity;
  const severityPolicy = severityPolicies(deps.settings.notifications.severity_policy)[severity];
  const position: EscalationPosition = { level: escalation.level, cycle: escalation.cycle, fallback: escalation.fallback };

  const targets = await resolveTargets(tx, targetsAt(policy, position), now);
  const contacts = await loadUserContacts(tx, targets.map((t) => t.userId));
  const plans = targets.filter((t) => contacts.has(t.userId)).map((t) => planUserChannels(contacts.get(t.userId)!, severity, severityPolicy, deps.availableChannels));
  await schedulePages(tx, { incidentId, step: stepKey(position), severity, plans, now });
  const who = plans.length
    ? plans
        .map((plan) => {
          const reason = targets.find((t) => t.userId === plan.userId)!.reason;
          const channels = plan.steps.map((s) => (s.delayMs ? `${s.channel} after ${formatDuration(s.delayMs)}` : s.channel)).join(', ');
          return `${plan.userId} (${channels}; ${reason})`;
        })
        .join('; ')
    : 'nobody: no one is on call or the targets are empty';
  await recordTimeline(tx, [{ incidentId, at: now, kind: 'escalation.level', actor: systemActor, summary: `Escalation ${describePosition(position)}: paging ${who}`, data: { step: stepKey(position), users: plans.map((p) => p.userId) } }]);

  const next = nextPosition(policy, position);
  if (!next) {
    await tx.updateTable('escalations').set({ state: 'exhausted', next_step_at: null, updated_at: now }).where('incident_id', '=', incidentId).execute();
    await recordTimeline(tx, [{ incidentId, at: now, kind: 'escalation.exhausted', actor: systemActor, summary: 'Every escalation level has been paged' }]);
    return 'exhausted';
  }
  // A level that reached nobody moves on at once: an empty rota must not stall the page.
  const waitMs = plans.length ? delayAfter(policy, position, severityPolicy.escalateAfterMs) : 0;
  const runAt = new Date(now.getTime() + waitMs);
  await tx
    .updateTable('escalations')
    .set({ level: next.level, cycle: next.cycle, fallback: next.fallback, next_step_at: runAt, updated_at: now })
    .where('incident_id', '=', incidentId)
    .execute();
  await enqueue(tx, ESCALATION_STEP_TASK, { incidentId }, { runAt, jobKey: escalationJobKey(incidentId) });
  return 'paged';
}

/** Ends escalation when an incident is acknowledged or resolved: no further step, no pending page. */
export async function stopEscalation(tx: Db, incidentId: string, status: string, now: Date): Promise<boolean> {
  const state = status === 'resolved' || status === 'closed' ? 'resolved' : 'acknowledged';
  const updated = await tx
    .updateTable('escalations')
    .set({ state, next_step_at: null, updated_at: now })
    .where('incident_id', '=', incidentId)
    .where('state', 'in', ['active', 'exhausted'])
    .returning('incident_id')
    .executeTakeFirst();
  await cancelJob(tx, escalationJobKey(incidentId));
  const cancelled = await cancelPendingPages(tx, incidentId, `incident ${status}`, now);
  if (updated) {
    await recordTimeline(tx, [{ incidentId, at: now, kind: 'escalation.stopped', actor: systemActor, summary: `Escalation stopped: incident ${status}${cancelled ? `; ${cancelled} pending page(s) cancelled` : ''}` }]);
  }
  return Boolean(updated);
}

/**
 * "Escalate now" from a person (a card button, a chat command): the next level is paged at once
 * instead of after its delay. Only an escalation still running can move; returns what happened.
 */
export async function escalateNow(tx: Db, incidentId: string, now: Date, actor: Actor): Promise<'escalated' | 'not-running'> {
  const updated = await tx
    .updateTable('escalations')
    .set({ next_step_at: now, updated_at: now })
    .where('incident_id', '=', incidentId)
    .where('state', '=', 'active')
    .returning('incident_id')
    .executeTakeFirst();
  if (!updated) return 'not-running';
  await enqueue(tx, ESCALATION_STEP_TASK, { incidentId }, { runAt: now, jobKey: escalationJobKey(incidentId) });
  await recordTimeline(tx, [{ incidentId, at: now, kind: 'escalation.manual', actor, summary: `${actorLabel(actor)} escalated: the next level is paged now` }]);
  await writeAudit(tx, { at: now, actor: actorLabel(actor), action: 'incident.escalate', targetType: 'incident', targetId: incidentId });
  return 'escalated';
}
