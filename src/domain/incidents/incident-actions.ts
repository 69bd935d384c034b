import type { Db } from '../../db/database.js';
import type { IncidentRow, IncidentsTable } from '../../db/schema.js';
import type { Updateable } from 'kysely';
import { ConflictError, NotFoundError, formatIncidentRef, type Category, type Severity } from '../../kernel/index.js';
import type { Impact } from '../../contracts/index.js';
import { writeAudit } from '../access/index.js';
import { cancelJob, enqueue } from '../../queue/index.js';
import { actorLabel, type Actor } from './actor.js';
import { findIncident } from './incident-store.js';
import { isOpenStatus, transition, type IncidentStatus, type LifecycleEvent } from './lifecycle.js';
import { DEFAULT_RESPONSE_SLA_MS, priorityScore } from './priority.js';
import { recordTimeline } from './timeline.js';
import { INCIDENT_CHANGED_TASK, INCIDENT_OPENED_TASK } from './incident-events.js';

export interface ActionContext {
  now: Date;
  actor: Actor;
  /** Resolved incidents close by themselves after this long (a durable job). */
  autoCloseAfterMs: number;
}

export const AUTO_CLOSE_TASK = 'incident-auto-close';
export const autoCloseJobKey = (incidentId: string) => `incident-close:${incidentId}`;

const EVENT_VERB: Record<LifecycleEvent['type'], string> = {
  acknowledge: 'Acknowledged',
  resolve: 'Resolved',
  reopen: 'Reopened',
  close: 'Closed',
  set_status: 'Status changed',
};

/**
 * Applies one lifecycle event: locks the row, asks the transition table, writes the new state, the
 * timeline event, the audit row and any follow-up job, all in the caller's transaction.
 */
export async function changeIncidentStatus(
  tx: Db,
  ref: string,
  event: LifecycleEvent,
  ctx: ActionContext,
  options: { note?: string; audit?: boolean } = {},
): Promise<IncidentRow> {
  const incident = await findIncident(tx, ref, { forUpdate: true });
  const decision = transition(incident.status as IncidentStatus, event);
  if (!decision.ok) throw new ConflictError(`${formatIncidentRef(incident.number)} ${decision.reason.replace(/^incident /, '')}`);

  const { now } = ctx;
  const patch: Updateable<IncidentsTable> = { status: decision.to, updated_at: now };
  if (decision.acknowledges && !incident.acknowledged_at) patch.acknowledged_at = now;
  if (decision.to === 'resolved') Object.assign(patch, { resolved_at: now, resolved_by: actorLabel(ctx.actor) });
  if (decision.to === 'closed') patch.closed_at = now;
  if (event.type === 'reopen') {
    Object.assign(patch, { resolved_at: null, resolved_by: null, closed_at: null, acknowledged_at: null });
    patch.sla_due_at = new Date(now.getTime() + incident.response_sla_ms);
  }
  const updated = await tx
    .updateTable('incidents')
    .set(patch)
    .where('id', '=', incident.id)
    .returningAll()
    .executeTakeFirstOrThrow();

  if (decision.to === 'resolved') {
    // Alerts still firing end with the incident; if the problem persists, the next one opens a new incident.
    const ended = await tx
      .updateTable('alerts')
      .set({ status: 'resolved', ends_at: now, last_seen_at: now })
      .where('incident_id', '=', incident.id)
      .where('status', '=', 'firing')
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) > 0) {
      await tx.updateTable('incidents').set({ open_alert_count: 0 }).where('id', '=', incident.id).execute();
    }
    await enqueue(tx, AUTO_CLOSE_TASK, { incidentId: incident.id }, {
      runAt: new Date(now.getTime() + ctx.autoCloseAfterMs),
      jobKey: autoCloseJobKey(incident.id),
    });
  }
  if (event.type === 'reopen') await cancelJob(tx, autoCloseJobKey(incident.id));
  await enqueue(tx, INCIDENT_CHANGED_TASK, { incidentId: incident.id, change: 'status' });

  const verb = event.type === 'set_status' ? `Status ${decision.from} → ${decision.to}` : EVENT_VERB[event.type];
  await recordTimeline(tx, [
    {
      incidentId: incident.id,
      at: now,
      kind: `status.${decision.to}`,
      actor: ctx.actor,
      summary: `${verb} by ${actorLabel(ctx.actor)}${options.note ? `: ${options.note}` : ''}`,
      data: { from: decision.from, to: decision.to, ...(options.note ? { note: options.note } : {}) },
    },
  ]);
  if (options.audit !== false) {
    await writeAudit(tx, {
      at: now,
      actor: actorLabel(ctx.actor),
      action: `incident.${event.type}`,
      targetType: 'incident',
      targetId: incident.id,
      data: { ref: formatIncidentRef(incident.number), from: decision.from, to: decision.to, note: options.note },
      ip: ctx.actor.ip ?? null,
    });
  }
  return updated;
}

export async function assignIncident(tx: Db, ref: string, userId: string | null, ctx: ActionContext): Promise<IncidentRow> {
  const incident = await findIncident(tx, ref, { forUpdate: true });
  if (userId) {
    const user = await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new NotFoundError(`user ${userId} not found`);
  }
  const updated = await tx
    .updateTable('incidents')
    .set({ assignee_user_id: userId, updated_at: ctx.now })
    .where('id', '=', incident.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAction(tx, incident, ctx, 'assigned', userId ? `Assigned to ${userId}` : 'Unassigned', {
    from: incident.assignee_user_id,
    to: userId,
  });
  return updated;
}

export async function changeSeverity(
  tx: Db,
  ref: string,
  severity: Severity,
  ctx: ActionContext,
  reason?: string,
): Promise<IncidentRow> {
  const incident = await findIncident(tx, ref, { forUpdate: true });
  // A person's choice sticks: later alerts no longer raise the severity by themselves.
  const updated = await tx
    .updateTable('incidents')
    .set({
      severity,
      severity_locked: true,
      priority_score: priorityScore(severity, incident.impact as Impact),
      updated_at: ctx.now,
    })
    .where('id', '=', incident.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(tx, INCIDENT_CHANGED_TASK, { incidentId: incident.id, change: 'severity' });
  await recordAction(
    tx,
    incident,
    ctx,
    'severity.changed',
    `Severity ${incident.severity} → ${severity}${reason ? `: ${reason}` : ''}`,
    { from: incident.severity, to: severity, reason },
  );
  return updated;
}

export async function addNote(tx: Db, ref: string, text: string, ctx: ActionContext): Promise<IncidentRow> {
  const incident = await findIncident(tx, ref);
  await recordAction(tx, incident, ctx, 'note', text, { text });
  return incident;
}

export interface DeclareInput {
  title: string;
  description?: string;
  serviceId?: string;
  severity: Severity;
  category: Category;
  impact: Impact;
  assigneeUserId?: string;
  responseSlaMs?: number;
}

/** Opens an incident by hand (no alert behind it). */
export async function declareIncident(tx: Db, input: DeclareInput, ctx: ActionContext): Promise<IncidentRow> {
  if (input.serviceId) {
    const service = await tx.selectFrom('services').select('id').where('id', '=', input.serviceId).executeTakeFirst();
    if (!service) throw new NotFoundError(`service ${input.serviceId} not found`);
  }
  const slaMs = input.responseSlaMs ?? DEFAULT_RESPONSE_SLA_MS[input.severity];
  const incident = await tx
    .insertInto('incidents')
    .values({
      title: input.title,
      description: input.description ?? null,
      service_id: input.serviceId ?? null,
      severity: input.severity,
      severity_locked: true,
      category: input.category,
      status: 'triggered',
      priority_score: priorityScore(input.severity, input.impact),
      impact: input.impact,
      source: 'manual',
      response_sla_ms: slaMs,
      sla_due_at: new Date(ctx.now.getTime() + slaMs),
      assignee_user_id: input.assigneeUserId ?? null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(tx, INCIDENT_OPENED_TASK, { incidentIds: [incident.id] });
  await recordAction(tx, incident, ctx, 'incident.declared', `Declared by ${actorLabel(ctx.actor)}: ${input.title}`, {
    severity: input.severity,
    category: input.category,
  });
  return incident;
}

async function recordAction(
  tx: Db,
  incident: IncidentRow,
  ctx: ActionContext,
  kind: string,
  summary: string,
  data: Record<string, unknown>,
): Promise<void> {
  await recordTimeline(tx, [{ incidentId: incident.id, at: ctx.now, kind, actor: ctx.actor, summary, data }]);
  await writeAudit(tx, {
    at: ctx.now,
    actor: actorLabel(ctx.actor),
    action: `incident.${kind}`,
    targetType: 'incident',
    targetId: incident.id,
    data: { ref: formatIncidentRef(incident.number), ...data },
    ip: ctx.actor.ip ?? null,
  });
}

/** The auto-close job: re-reads state and closes only if the incident is still resolved and due. */
export async function closeIfDue(tx: Db, incidentId: string, ctx: ActionContext): Promise<boolean> {
  const incident = await tx.selectFrom('incidents').selectAll().where('id', '=', incidentId).forUpdate().executeTakeFirst();
  if (!incident || incident.status !== 'resolved' || !incident.resolved_at) return false;
  if (incident.resolved_at.getTime() + ctx.autoCloseAfterMs > ctx.now.getTime() + 1000) return false;
  await changeIncidentStatus(tx, incidentId, { type: 'close' }, ctx, { note: 'closed automatically after the resolve period' });
  return true;
}

/** The settle job of a flapping incident: resolves it only if its alerts are still quiet. */
export async function resolveIfQuiet(tx: Db, incidentId: string, ctx: ActionContext): Promise<boolean> {
  const incident = await tx.selectFrom('incidents').select(['id', 'status', 'open_alert_count']).where('id', '=', incidentId).forUpdate().executeTakeFirst();
  if (!incident || !isOpenStatus(incident.status) || incident.open_alert_count > 0) return false;
  await changeIncidentStatus(tx, incidentId, { type: 'resolve' }, ctx, { note: 'alerts stayed quiet through the flap window', audit: false });
  return true;
}
