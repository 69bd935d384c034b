import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NotificationRow, NotificationStatus } from '../../db/schema.js';
import { enqueueMany } from '../../queue/index.js';
import type { NotifyChannel } from '../../contracts/index.js';
import type { PlannedUser } from './notification-plan.js';

export const NOTIFY_SEND_TASK = 'notify-send';
export const notifyJobKey = (notificationId: string, attempt = 0) => `notify:${notificationId}:${attempt}`;

export interface ScheduledPage {
  id: string;
  userId: string;
  channel: NotifyChannel;
  scheduledAt: Date;
}

/**
 * Writes a step's pages as notification rows and a send job each, in the caller's transaction.
 * The dedup key (incident, step, user, channel) makes planning the same step twice a no-op.
 */
export async function schedulePages(
  tx: Db,
  input: { incidentId: string; step: string; severity: string; plans: PlannedUser[]; now: Date },
): Promise<ScheduledPage[]> {
  const rows = input.plans.flatMap((plan) =>
    plan.steps.map((step) => ({
      incident_id: input.incidentId,
      user_id: plan.userId,
      channel: step.channel,
      step: input.step,
      severity: input.severity,
      dedup_key: `${input.incidentId}:${input.step}:${plan.userId}:${step.channel}`,
      status: 'scheduled' as const,
      scheduled_at: new Date(input.now.getTime() + step.delayMs),
      created_at: input.now,
      updated_at: input.now,
    })),
  );
  if (!rows.length) return [];
  const inserted = await tx
    .insertInto('notifications')
    .values(rows)
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning(['id', 'user_id', 'channel', 'scheduled_at'])
    .execute();
  // Sends run before other due work (lower runs first): in a storm, pages go out while steps queue.
  await enqueueMany(
    tx,
    inserted.map((row) => ({ task: NOTIFY_SEND_TASK, payload: { notificationId: row.id }, runAt: row.scheduled_at, jobKey: notifyJobKey(row.id), priority: -1 })),
  );
  return inserted.map((row) => ({ id: row.id, userId: row.user_id, channel: row.channel as NotifyChannel, scheduledAt: row.scheduled_at }));
}

export async function lockNotification(tx: Db, id: string): Promise<NotificationRow | undefined> {
  return tx.selectFrom('notifications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function setNotificationStatus(
  tx: Db,
  id: string,
  status: NotificationStatus,
  now: Date,
  extra: { reason?: string | null; externalId?: string; attemptsDelta?: number; sentAt?: Date; digestId?: string; replyCode?: string | null } = {},
): Promise<void> {
  await tx
    .updateTable('notifications')
    .set({
      status,
      updated_at: now,
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra.externalId ? { external_id: extra.externalId } : {}),
      ...(extra.sentAt ? { sent_at: extra.sentAt } : {}),
      ...(extra.digestId ? { digest_id: extra.digestId } : {}),
      ...(extra.replyCode ? { reply_code: extra.replyCode } : {}),
      ...(extra.attemptsDelta ? { attempts: sql`attempts + ${extra.attemptsDelta}` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Pages not yet sent for an incident are cancelled when someone acknowledges or resolves it. */
export async function cancelPendingPages(tx: Db, incidentId: string, reason: string, now: Date): Promise<number> {
  const result = await tx
    .updateTable('notifications')
    .set({ status: 'cancelled', reason, updated_at: now })
    .where('incident_id', '=', incidentId)
    .where('status', 'in', ['scheduled', 'retrying'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Pages are counted per incident, not per channel: one page on three channels is one page. */
export async function countPagedIncidents(tx: Db, userId: string, severities: string[], since: Date, exceptIncidentId: string): Promise<number> {
  const row = await tx
    .selectFrom('notifications')
    .select(sql<number>`count(distinct incident_id)::int`.as('n'))
    .where('user_id', '=', userId)
    .where('incident_id', '<>', exceptIncidentId)
    .where('severity', 'in', severities)
    .where((eb) => eb.or([eb.and([eb('status', '=', 'sent'), eb('sent_at', '>=', since)]), eb.and([eb('status', '=', 'sending'), eb('updated_at', '>=', since)])]))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function listIncidentNotifications(db: Db, incidentId: string) {
  return db
    .selectFrom('notifications')
    .select(['id', 'user_id', 'channel', 'step', 'severity', 'status', 'reason', 'attempts', 'external_id', 'scheduled_at', 'sent_at', 'created_at', 'updated_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .orderBy('scheduled_at')
    .execute();
}

export async function findIncidentByReplyCode(db: Db, userId: string, code: string): Promise<string | null> {
  const row = await db
    .selectFrom('notifications')
    .select('incident_id')
    .where('user_id', '=', userId)
    .where('reply_code', '=', code)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.incident_id ?? null;
}
