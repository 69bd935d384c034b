import { z } from 'zod';
import type { Db } from '../db/database.js';
import { withTx } from '../db/database.js';
import { PermanentError, RetryableError, type Severity } from '../kernel/index.js';
import type { MessageDoc } from '../contracts/index.js';
import type { NotificationRow } from '../db/schema.js';
import { recordTimeline, systemActor } from '../domain/incidents/index.js';
import {
  NOTIFY_SEND_TASK,
  composePage,
  lockNotification,
  loadUserContacts,
  notifyJobKey,
  planUserChannels,
  runStages,
  schedulePages,
  setNotificationStatus,
  severityPolicies,
  type NotifyItem,
  type StageContext,
} from '../domain/notify/index.js';
import { STALE_JOB_MS, enqueue, pushBackSlots } from '../queue/index.js';
import { takeSlot } from './chat-pacing.js';
import { cardHash } from './chat-card.js';
import { decodeMessageRef, type RateRule, type Recipient } from '../providers/api.js';
import { defineJob, type JobDefinition } from '../queue/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { loadNotifyIncident, pageSubject, recipientOf } from './notify-incident.js';

const payload = z.object({ notificationId: z.uuid(), slot: z.string().optional() });

interface Claimed {
  notification: NotificationRow;
  doc: MessageDoc;
  recipient: Recipient;
}

/**
 * notify-send: mute → dedup → budget decide inside a transaction that marks the row "sending";
 * render → send happen outside it; record commits the outcome. A crash between the two leaves the
 * row "sending" and the job is retried with the same idempotency key (at least once, never lost).
 */
export function notifySendJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  // Chat channels are paced per person as the platform documents (Feishu: 5 messages/s per user).
  const paceOf = (channel: string, to: Recipient): RateRule | null => {
    const chat = deps.channels.chat(deps.channels.providerOf(channel) ?? '')?.chat;
    if (!chat) return null;
    // Robot platforms page through a group robot: the page counts against the robot's limit.
    if (chat.pageRateRule) return chat.pageRateRule(to);
    const id = to.chatIds[chat.platform] ?? (chat.platform === 'feishu' ? to.chatIds.lark : undefined);
    return id ? chat.rateRule({ kind: 'user', id }) : null;
  };
  return defineJob(NOTIFY_SEND_TASK, (p) => payload.parse(p), async ({ notificationId, slot }) => {
    const now = deps.clock.now();
    const settings = deps.settings();
    const stageContext: StageContext = {
      now,
      budgets: {
        budgets: Object.fromEntries(
          Object.entries(settings.notifications.budgets).flatMap(([cls, b]) => (b ? [[cls, { limit: b.limit, windowMs: b.window }]] : [])),
        ),
        exempt: settings.notifications.budget_exempt,
      },
      digestAfterMs: settings.notifications.digest_after,
      dedupWindowMs: 60_000,
    };
    // Returns false when the send must wait for its slot; the job is then moved to that slot.
    const pace: Pacer = async (tx, notification, to) => {
      const rule = paceOf(notification.channel, to);
      const wait = rule ? await takeSlot(tx, rule, slot, () => deps.clock.now()) : null;
      if (wait) await enqueue(tx, NOTIFY_SEND_TASK, { notificationId, slot: wait.toISOString() }, { runAt: wait, jobKey: notifyJobKey(notificationId, notification.attempts), priority: -1 });
      return !wait;
    };
    const claimed = await withTx(deps.db, (tx) => claim(tx, notificationId, stageContext, settings.publicUrl, pace));
    if (!claimed) return;
    const sender = deps.channels.get(claimed.notification.channel);
    let result: { externalId: string };
    try {
      if (!sender) throw new PermanentError(`no provider is configured for the ${claimed.notification.channel} channel`);
      result = await sender.send(claimed.recipient, claimed.doc, { idempotencyKey: claimed.notification.id });
    } catch (error) {
      // A chat platform's "slow down" holds every send to that person, not just this one.
      const rule = paceOf(claimed.notification.channel, claimed.recipient);
      if (rule && error instanceof RetryableError && error.retryAfterMs) await pushBackSlots(deps.db, rule.key, new Date(deps.clock.now().getTime() + error.retryAfterMs));
      await withTx(deps.db, (tx) => recordFailure(tx, claimed.notification, error, deps, settings.notifications.max_attempts));
      return;
    }
    // Only the send is a send failure: if recording fails, the job errors and records on retry.
    {
      await withTx(deps.db, async (tx) => {
        await setNotificationStatus(tx, notificationId, 'sent', deps.clock.now(), { externalId: result.externalId, sentAt: deps.clock.now(), reason: null });
        await rememberPageCard(tx, claimed, result.externalId, deps.channels, deps.clock.now());
        await recordTimeline(tx, [{ incidentId: claimed.notification.incident_id, at: deps.clock.now(), kind: 'page.sent', actor: systemActor, summary: `Paged ${claimed.recipient.name} by ${claimed.notification.channel}`, data: { notification_id: notificationId, user_id: claimed.recipient.userId, channel: claimed.notification.channel, step: claimed.notification.step } }]);
      });
    }
  });
}

type Pacer = (tx: Db, notification: NotificationRow, to: Recipient) => Promise<boolean>;

async function claim(tx: Db, id: string, ctx: StageContext, publicUrl: string, pace: Pacer): Promise<Claimed | null> {
  const notification = await lockNotification(tx, id);
  if (!notification || !['scheduled', 'retrying', 'sending'].includes(notification.status)) return null;
  // "sending" means a worker claimed it. Within the lease that worker may be mid-send: wait (the
  // job retries later). Past it, the worker died: send again, with the same idempotency key.
  if (notification.status === 'sending' && ctx.now.getTime() - notification.updated_at.getTime() < STALE_JOB_MS) {
    throw new Error(`notification ${id} is being sent by another worker`);
  }
  const incident = await loadNotifyIncident(tx, notification.incident_id);
  if (!incident) {
    await setNotificationStatus(tx, id, 'cancelled', ctx.now, { reason: 'incident no longer exists' });
    return null;
  }
  const [item] = await runStages(tx, [{ notification, incident: incident.item }] as NotifyItem[], ctx);
  if (item!.outcome) {
    await setNotificationStatus(tx, id, item!.outcome.status, ctx.now, { reason: item!.outcome.reason });
    if (item!.outcome.status !== 'cancelled') {
      await recordTimeline(tx, [{ incidentId: notification.incident_id, at: ctx.now, kind: `page.${item!.outcome.status}`, actor: systemActor, summary: `Page to ${notification.user_id} by ${notification.channel} ${item!.outcome.status}: ${item!.outcome.reason}` }]);
    }
    return null;
  }
  const contact = (await loadUserContacts(tx, [notification.user_id])).get(notification.user_id);
  if (!contact) {
    await setNotificationStatus(tx, id, 'cancelled', ctx.now, { reason: 'user no longer exists' });
    return null;
  }
  if (!(await pace(tx, notification, recipientOf(contact)))) return null;
  // The reply code is the incident number ("reply 42a"): unique, and needs no lock to hand out.
  const replyCode = notification.channel === 'sms' || notification.channel === 'voice' ? String(incident.item.number) : null;
  await setNotificationStatus(tx, id, 'sending', ctx.now, { attemptsDelta: 1, replyCode });
  return {
    notification: { ...notification, attempts: notification.attempts + 1 },
    doc: composePage(pageSubject(incident), publicUrl, { replyCode }),
    recipient: recipientOf(contact),
  };
}

const BACKOFF_MS = [5_000, 15_000, 45_000, 120_000, 300_000];

async function recordFailure(tx: Db, notification: NotificationRow, error: unknown, deps: EngineDeps & { channels: ChannelRegistry }, maxAttempts: number): Promise<void> {
  const now = deps.clock.now();
  // Unexpected errors are logged in full but recorded only by name: their text can hold URLs with secrets.
  if (!(error instanceof RetryableError || error instanceof PermanentError)) deps.logger.error({ err: error, notificationId: notification.id }, 'unexpected error sending a page');
  const reason = error instanceof RetryableError || error instanceof PermanentError ? error.reason : `unexpected error (${(error as Error).name}); see the server log`;
  const retryable = !(error instanceof PermanentError);
  if (retryable && notification.attempts < maxAttempts) {
    const backoff = BACKOFF_MS[Math.min(notification.attempts - 1, BACKOFF_MS.length - 1)]!;
    const waitMs = Math.max(backoff, error instanceof RetryableError ? (error.retryAfterMs ?? 0) : 0);
    await setNotificationStatus(tx, notification.id, 'retrying', now, { reason });
    await enqueue(tx, NOTIFY_SEND_TASK, { notificationId: notification.id }, { runAt: new Date(now.getTime() + waitMs), jobKey: notifyJobKey(notification.id, notification.attempts) });
    return;
  }
  await setNotificationStatus(tx, notification.id, 'failed', now, { reason });
  const fallback = await scheduleNextChannel(tx, notification, deps, now);
  await recordTimeline(tx, [{ incidentId: notification.incident_id, at: now, kind: 'page.failed', actor: systemActor, summary: `Page to ${notification.user_id} by ${notification.channel} failed: ${reason}${fallback ? `; trying ${fallback} next` : ''}`, data: { notification_id: notification.id } }]);
}

/**
 * A channel that failed for good hands over to the next channel of the user's plan at once: a
 * later channel already scheduled is brought forward, otherwise the next one is scheduled now.
 */
async function scheduleNextChannel(tx: Db, failed: NotificationRow, deps: EngineDeps & { channels: ChannelRegistry }, now: Date): Promise<string | null> {
  const contact = (await loadUserContacts(tx, [failed.user_id])).get(failed.user_id);
  if (!contact) return null;
  const severity = failed.severity as Severity;
  const policy = severityPolicies(deps.settings().notifications.severity_policy)[severity];
  const plan = planUserChannels(contact, severity, policy, deps.channels.available());
  const existing = await tx
    .selectFrom('notifications')
    .select(['id', 'channel', 'status', 'scheduled_at'])
    .where('incident_id', '=', failed.incident_id)
    .where('step', '=', failed.step)
    .where('user_id', '=', failed.user_id)
    .execute();
  const pendingLater = existing
    .filter((n) => n.status === 'scheduled' && n.scheduled_at > now)
    .sort((a, b) => a.scheduled_at.getTime() - b.scheduled_at.getTime())[0];
  if (pendingLater) {
    await tx.updateTable('notifications').set({ scheduled_at: now, updated_at: now }).where('id', '=', pendingLater.id).execute();
    await enqueue(tx, NOTIFY_SEND_TASK, { notificationId: pendingLater.id }, { runAt: now, jobKey: notifyJobKey(pendingLater.id) });
    return pendingLater.channel;
  }
  const used = new Set(existing.map((n) => n.channel));
  const next = plan.steps.find((s) => !used.has(s.channel)) ?? (used.has('web') ? null : { channel: 'web' as const, delayMs: 0 });
  if (!next) return null;
  await schedulePages(tx, { incidentId: failed.incident_id, step: failed.step, severity, plans: [{ userId: failed.user_id, steps: [{ channel: next.channel, delayMs: 0 }], skipped: [] }], now });
  return next.channel;
}

/** A page sent as a chat card is kept, so the card is edited as the incident changes (buttons go). */
async function rememberPageCard(tx: Db, claimed: Claimed, externalId: string, channels: ChannelRegistry, now: Date): Promise<void> {
  const ref = decodeMessageRef(externalId);
  const provider = channels.providerOf(claimed.notification.channel);
  if (!ref || !provider || !channels.chat(provider)?.chat.updater) return;
  await tx
    .insertInto('chat_messages')
    .values({ incident_id: claimed.notification.incident_id, provider, platform: ref.platform, chat_id: ref.chatId, message_id: ref.messageId, purpose: 'page', user_id: claimed.notification.user_id, doc_hash: cardHash(claimed.doc), created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['provider', 'chat_id', 'message_id']).doNothing())
    .execute();
}
