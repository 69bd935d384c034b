import { z } from 'zod';
import { withTx, type Db } from '../db/database.js';
import type { MessageDoc } from '../contracts/index.js';
import { formatIncidentRef, type Clock, type Logger, type Severity } from '../kernel/index.js';
import { ACTION_ITEM_REMINDER_TASK, actionItemReminderDoc, takeActionItemReminder, type ActionItemReminder } from '../domain/followups/index.js';
import { loadUserContacts } from '../domain/notify/index.js';
import { defineJob, type JobDefinition } from '../queue/index.js';

export const actionItemReminderPayload = z.object({ itemId: z.uuid() });

/** Posts a reminder; it runs in the job's transaction, so enqueueing on `tx` makes the post exactly-once. */
export type ReminderDelivery = (reminder: ActionItemReminder, tx: Db) => Promise<void>;

export interface ActionItemJobDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Posts the reminder (war room, assignee). If it throws, nothing is recorded and the job retries. */
  deliver: ReminderDelivery;
}

/** The action-item reminder: idempotent, since the item's reminded_at records what was given. */
export function actionItemReminderJob(deps: ActionItemJobDeps): JobDefinition {
  return defineJob(ACTION_ITEM_REMINDER_TASK, (p) => actionItemReminderPayload.parse(p), async ({ itemId }) => {
    const reminder = await withTx(deps.db, async (tx) => {
      const due = await takeActionItemReminder(tx, itemId, deps.clock.now());
      if (due) await deps.deliver(due, tx);
      return due;
    });
    if (reminder) deps.logger.info({ itemId, incidentId: reminder.incidentId, overdue: reminder.overdue }, 'action item reminder sent');
  });
}

/** Queues a doc into an incident's open rooms in the caller's transaction (the war room's postToRooms fits). */
export type RoomPoster = (tx: Db, incidentId: string, key: string, doc: MessageDoc, now: Date) => Promise<unknown>;

/**
 * A delivery that posts the reminder into the incident's war rooms, @mentioning the assignee,
 * with one post key per item and stage so a replay never posts twice.
 */
export function reminderToRooms(post: RoomPoster, clock: Clock, options: { publicUrl?: () => string } = {}): ReminderDelivery {
  return async (reminder, tx) => {
    const incident = await tx.selectFrom('incidents').select(['number', 'severity', 'status']).where('id', '=', reminder.incidentId).executeTakeFirst();
    if (!incident) return;
    const contact = reminder.assigneeUserId ? (await loadUserContacts(tx, [reminder.assigneeUserId])).get(reminder.assigneeUserId) : undefined;
    const ref = formatIncidentRef(incident.number);
    const doc = actionItemReminderDoc(reminder, {
      incidentRef: ref,
      severity: incident.severity as Severity,
      status: incident.status,
      incidentUrl: options.publicUrl ? `${options.publicUrl().replace(/\/$/, '')}/incidents/${ref}` : undefined,
      assignee: contact ? { kind: 'user', userId: contact.id, name: contact.name, chatIds: contact.chatIds, phone: contact.phone } : null,
      timeZone: contact?.timezone,
    });
    await post(tx, reminder.incidentId, `action-item:${reminder.itemId}:${reminder.overdue ? 'overdue' : 'due'}`, doc, clock.now());
  };
}
