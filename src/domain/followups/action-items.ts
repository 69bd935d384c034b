import type { Db } from '../../db/database.js';
import type { IncidentRow } from '../../db/schema.js';
import { ConflictError, NotFoundError, ValidationError, formatIncidentRef } from '../../kernel/index.js';
import { writeAudit } from '../access/index.js';
import { loadPolicy, policyIdFor, resolveTargets, targetsAt } from '../escalation/index.js';
import { actorLabel, findIncident, recordTimeline, type Actor } from '../incidents/index.js';
import { cancelJob, enqueue } from '../../queue/index.js';
import { defaultDueAt, reminderAt } from './action-item-policy.js';
import { getActionItem, type ActionItem } from './action-item-queries.js';
import { followupDb, type FollowupSource } from './followup-tables.js';

export const ACTION_ITEM_REMINDER_TASK = 'action-item-reminder';
export const actionItemJobKey = (itemId: string): string => `action-item:${itemId}`;
export interface ActionItemReminderPayload {
  itemId: string;
}

/** When and as whom: the incidents domain's ActionContext fits as is. */
export interface FollowupContext {
  now: Date;
  actor: Actor;
}

export interface NewActionItem {
  /** The incident's uuid, "INC-42" or "42". */
  incidentId: string;
  title: string;
  /** Omitted: whoever is on call for the incident now; null: explicitly unassigned. */
  assigneeUserId?: string | null;
  /** Omitted: by the incident's severity (2 h, 24 h or 3 d). */
  dueAt?: Date;
  source: FollowupSource;
}

export type AssigneeReason = 'given' | 'on_call' | 'incident_assignee' | 'service_owner' | 'none';
export interface CreatedActionItem extends ActionItem {
  /** How the assignee was chosen, for the reply ("assigned to Bob, on call now"). */
  assignedBy: AssigneeReason;
}

export const MAX_TITLE_LENGTH = 500;

/**
 * Creates an action item with its timeline event, audit row and reminder job, all in the caller's
 * transaction. The assignee defaults to the first person the incident's escalation pages now.
 */
export async function createActionItem(tx: Db, input: NewActionItem, ctx: FollowupContext): Promise<CreatedActionItem> {
  const title = cleanTitle(input.title);
  const incident = await findIncident(tx, input.incidentId);
  const dueAt = input.dueAt ?? defaultDueAt(incident.severity, ctx.now);
  checkDue(dueAt, ctx.now);
  let assignee: { userId: string | null; reason: AssigneeReason };
  if (input.assigneeUserId === undefined) assignee = await defaultAssignee(tx, incident, ctx.now);
  else assignee = { userId: input.assigneeUserId === null ? null : await checkUser(tx, input.assigneeUserId), reason: 'given' };

  const row = await followupDb(tx)
    .insertInto('action_items')
    .values({
      incident_id: incident.id,
      title,
      assignee_user_id: assignee.userId,
      due_at: dueAt,
      status: 'open',
      created_by: actorLabel(ctx.actor),
      source: input.source,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await scheduleReminder(tx, row.id, dueAt, ctx.now);
  const data = { itemId: row.id, title, assigneeUserId: assignee.userId, dueAt: dueAt.toISOString(), source: input.source };
  await record(tx, incident, ctx, 'created', `Action item: ${title} → ${assignee.userId ?? 'unassigned'}, due ${dueAt.toISOString()}`, data);
  return { ...(await getActionItem(tx, row.id)), assignedBy: assignee.reason };
}

export const completeActionItem = (tx: Db, itemId: string, ctx: FollowupContext, note?: string): Promise<ActionItem> =>
  closeActionItem(tx, itemId, 'done', ctx, note);

export const cancelActionItem = (tx: Db, itemId: string, ctx: FollowupContext, reason?: string): Promise<ActionItem> =>
  closeActionItem(tx, itemId, 'cancelled', ctx, reason);

export interface ActionItemPatch {
  title?: string;
  assigneeUserId?: string | null;
  dueAt?: Date;
}

/** Changes an open item's title, assignee or due time; a new due time reschedules its reminder. */
export async function updateActionItem(tx: Db, itemId: string, patch: ActionItemPatch, ctx: FollowupContext): Promise<ActionItem> {
  const item = await lockOpenItem(tx, itemId, 'changed');
  const set: { title?: string; assignee_user_id?: string | null; due_at?: Date; reminded_at?: null } = {};
  const changes: string[] = [];
  if (patch.title !== undefined && cleanTitle(patch.title) !== item.title) {
    set.title = cleanTitle(patch.title);
    changes.push(`title "${set.title}"`);
  }
  if (patch.assigneeUserId !== undefined && patch.assigneeUserId !== item.assigneeUserId) {
    set.assignee_user_id = patch.assigneeUserId === null ? null : await checkUser(tx, patch.assigneeUserId);
    changes.push(`assignee ${set.assignee_user_id ?? 'none'}`);
  }
  if (patch.dueAt !== undefined && patch.dueAt.getTime() !== item.dueAt.getTime()) {
    checkDue(patch.dueAt, ctx.now);
    Object.assign(set, { due_at: patch.dueAt, reminded_at: null });
    changes.push(`due ${patch.dueAt.toISOString()}`);
  }
  if (!changes.length) return item;
  await followupDb(tx).updateTable('action_items').set({ ...set, updated_at: ctx.now }).where('id', '=', item.id).execute();
  if (set.due_at) await scheduleReminder(tx, item.id, set.due_at, ctx.now);
  const incident = await findIncident(tx, item.incidentId);
  const data = { itemId: item.id, ...(set.title ? { title: set.title } : {}), ...('assignee_user_id' in set ? { assigneeUserId: set.assignee_user_id } : {}), ...(set.due_at ? { dueAt: set.due_at.toISOString() } : {}) };
  await record(tx, incident, ctx, 'updated', `Action item "${set.title ?? item.title}" changed: ${changes.join(', ')}`, data);
  return getActionItem(tx, item.id);
}

/** Hands an open item to someone else (or to nobody). */
export const reassignActionItem = (tx: Db, itemId: string, assigneeUserId: string | null, ctx: FollowupContext): Promise<ActionItem> =>
  updateActionItem(tx, itemId, { assigneeUserId }, ctx);

/**
 * Who an action item goes to when nobody is named: the first person the incident's escalation
 * policy pages at level 1 right now (the escalation's policy, else the service's for this
 * severity), then the incident's assignee, then the service owner.
 */
export async function defaultAssignee(db: Db, incident: IncidentRow, now: Date): Promise<{ userId: string | null; reason: AssigneeReason }> {
  const escalation = await db.selectFrom('escalations').select('policy_id').where('incident_id', '=', incident.id).executeTakeFirst();
  const policyId = escalation?.policy_id ?? (await policyIdFor(db, incident.service_id, incident.severity));
  const policy = policyId ? await loadPolicy(db, policyId) : null;
  if (policy) {
    try {
      const [first] = await resolveTargets(db, targetsAt(policy, { level: 0, cycle: 0, fallback: false }), now);
      if (first) return { userId: first.userId, reason: 'on_call' };
    } catch (error) {
      // A policy naming a schedule that is gone still leaves the other fallbacks.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  if (incident.assignee_user_id) return { userId: incident.assignee_user_id, reason: 'incident_assignee' };
  if (incident.service_id) {
    const service = await db.selectFrom('services').select('owner_user_id').where('id', '=', incident.service_id).executeTakeFirst();
    if (service?.owner_user_id) return { userId: service.owner_user_id, reason: 'service_owner' };
  }
  return { userId: null, reason: 'none' };
}

async function closeActionItem(tx: Db, itemId: string, status: 'done' | 'cancelled', ctx: FollowupContext, note?: string): Promise<ActionItem> {
  const item = await lockOpenItem(tx, itemId, status === 'done' ? 'completed' : 'cancelled');
  await followupDb(tx)
    .updateTable('action_items')
    .set({ status, updated_at: ctx.now, ...(status === 'done' ? { done_at: ctx.now } : {}) })
    .where('id', '=', item.id)
    .execute();
  await cancelJob(tx, actionItemJobKey(item.id));
  const incident = await findIncident(tx, item.incidentId);
  const verb = status === 'done' ? 'done' : 'cancelled';
  const summary = `Action item ${verb}: ${item.title} (by ${actorLabel(ctx.actor)})${note ? `: ${note}` : ''}`;
  await record(tx, incident, ctx, verb, summary, { itemId: item.id, title: item.title, ...(note ? { note } : {}) });
  return getActionItem(tx, item.id);
}

async function lockOpenItem(tx: Db, itemId: string, verb: string): Promise<ActionItem> {
  const item = await getActionItem(tx, itemId, { forUpdate: true });
  if (item.status !== 'open') throw new ConflictError(`action item "${item.title}" is ${item.status === 'done' ? 'already done' : 'cancelled'}; it cannot be ${verb}`);
  return item;
}

async function scheduleReminder(tx: Db, itemId: string, dueAt: Date, now: Date): Promise<void> {
  const payload: ActionItemReminderPayload = { itemId };
  await enqueue(tx, ACTION_ITEM_REMINDER_TASK, payload, { runAt: reminderAt(dueAt, now), jobKey: actionItemJobKey(itemId) });
}

function cleanTitle(title: string): string {
  const clean = title.replace(/\s+/g, ' ').trim();
  if (!clean) throw new ValidationError('title: an action item needs a title');
  if (clean.length > MAX_TITLE_LENGTH) throw new ValidationError(`title: at most ${MAX_TITLE_LENGTH} characters`);
  return clean;
}

function checkDue(dueAt: Date, now: Date): void {
  if (Number.isNaN(dueAt.getTime())) throw new ValidationError('due_at: not a time');
  if (dueAt.getTime() <= now.getTime()) throw new ValidationError(`due_at: ${dueAt.toISOString()} is not in the future`);
}

async function checkUser(db: Db, userId: string): Promise<string> {
  const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!user) throw new ValidationError(`assignee_user_id: no user "${userId}"`);
  return user.id;
}

async function record(tx: Db, incident: IncidentRow, ctx: FollowupContext, verb: string, summary: string, data: Record<string, unknown>): Promise<void> {
  await recordTimeline(tx, [{ incidentId: incident.id, at: ctx.now, kind: `action_item.${verb}`, actor: ctx.actor, summary, data }]);
  await writeAudit(tx, {
    at: ctx.now,
    actor: actorLabel(ctx.actor),
    action: `action_item.${verb === 'created' ? 'create' : verb === 'updated' ? 'update' : verb === 'done' ? 'complete' : 'cancel'}`,
    targetType: 'action_item',
    targetId: String(data.itemId),
    data: { incident: formatIncidentRef(incident.number), ...data },
    ip: ctx.actor.ip ?? null,
  });
}
