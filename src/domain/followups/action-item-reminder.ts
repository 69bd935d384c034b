import type { Db } from '../../db/database.js';
import type { Mention, MessageDoc } from '../../contracts/index.js';
import { AppError, type Severity } from '../../kernel/index.js';
import { recordTimeline, systemActor } from '../incidents/index.js';
import { enqueue } from '../../queue/index.js';
import { isOverdue } from './action-item-policy.js';
import { getActionItem } from './action-item-queries.js';
import { ACTION_ITEM_REMINDER_TASK, actionItemJobKey, type ActionItemReminderPayload } from './action-items.js';
import { followupDb } from './followup-tables.js';
import { formatTime, zoneLabel } from './markdown-text.js';

/** A reminder to post in the war room (and to the assignee). */
export interface ActionItemReminder {
  incidentId: string;
  itemId: string;
  title: string;
  assigneeUserId: string | null;
  dueAt: Date;
  /** True at or after the due time. */
  overdue: boolean;
}

/**
 * The reminder job's work, in the caller's transaction: re-reads the item and returns the reminder
 * to deliver, or null when there is nothing to say (done, cancelled, gone, or this reminder was
 * already given). The first reminder, before the due time, schedules the "overdue" one at it.
 */
export async function takeActionItemReminder(tx: Db, itemId: string, now: Date): Promise<ActionItemReminder | null> {
  const item = await getActionItem(tx, itemId, { forUpdate: true }).catch((error: unknown) => {
    if (error instanceof AppError && error.status === 404) return null;
    throw error;
  });
  if (!item || item.status !== 'open') return null;
  const overdue = isOverdue(item.dueAt, now);
  // reminded_at marks the stage already given: any reminder before due, or the one at/after due.
  if (item.remindedAt && (!overdue || item.remindedAt.getTime() >= item.dueAt.getTime())) return null;

  await followupDb(tx).updateTable('action_items').set({ reminded_at: now }).where('id', '=', item.id).execute();
  if (!overdue) {
    const payload: ActionItemReminderPayload = { itemId: item.id };
    await enqueue(tx, ACTION_ITEM_REMINDER_TASK, payload, { runAt: item.dueAt, jobKey: actionItemJobKey(item.id) });
  }
  const who = item.assigneeName ?? item.assigneeUserId ?? 'unassigned';
  await recordTimeline(tx, [{
    incidentId: item.incidentId,
    at: now,
    kind: 'action_item.reminder',
    actor: systemActor,
    summary: overdue
      ? `Reminder: action item "${item.title}" (${who}) is overdue since ${item.dueAt.toISOString()}`
      : `Reminder: action item "${item.title}" (${who}) is due ${item.dueAt.toISOString()}`,
    data: { itemId: item.id, assigneeUserId: item.assigneeUserId, dueAt: item.dueAt.toISOString(), overdue },
  }]);
  return { incidentId: item.incidentId, itemId: item.id, title: item.title, assigneeUserId: item.assigneeUserId, dueAt: item.dueAt, overdue };
}

export interface ReminderDocContext {
  incidentRef: string;
  severity: Severity;
  status?: string;
  incidentUrl?: string;
  /** The assignee to @mention, when the item has one. */
  assignee: Mention | null;
  timeZone?: string;
}

/** Pure: the chat message for a reminder, @mentioning the assignee. */
export function actionItemReminderDoc(reminder: ActionItemReminder, ctx: ReminderDocContext): MessageDoc {
  const zone = ctx.timeZone ?? 'UTC';
  const due = `${formatTime(reminder.dueAt, zone)} (${zoneLabel(zone, reminder.dueAt)})`;
  const owner = ctx.assignee?.kind === 'user' ? ctx.assignee.name : (reminder.assigneeUserId ?? '未分配 unassigned');
  return {
    kind: 'update',
    title: reminder.overdue ? `⏰ 行动项已逾期 Action item overdue: ${reminder.title}` : `⏰ 行动项即将到期 Action item due soon: ${reminder.title}`,
    severity: ctx.severity,
    incidentRef: ctx.incidentRef,
    ...(ctx.incidentUrl ? { incidentUrl: ctx.incidentUrl } : {}),
    ...(ctx.status ? { status: ctx.status } : {}),
    summary: reminder.overdue
      ? '请完成它，或更新截止时间。 Please finish it, or move its due time.'
      : '请在截止前完成。 Please finish it before it is due.',
    fields: [
      { label: '负责人 Owner', value: owner },
      { label: '截止 Due', value: due },
    ],
    links: [],
    actions: [],
    mentions: ctx.assignee ? [ctx.assignee] : [],
    footer: `warroom · ${ctx.incidentRef}`,
  };
}
