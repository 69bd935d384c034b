import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NotificationRow, NotificationStatus } from '../../db/schema.js';
import { formatDuration, type Severity } from '../../kernel/index.js';
import { enqueue } from '../../queue/index.js';
import { budgetDecision, severitiesOfClass, type BudgetSettings } from './budget.js';
import { countPagedIncidents } from './notification-store.js';
import { silenceMatches } from './silence-matcher.js';
import { activeSilences } from './silence-store.js';

export interface NotifyIncident {
  id: string;
  number: number;
  status: string;
  severity: Severity;
  category: string;
  serviceId: string | null;
  labels: Record<string, string>;
}

/** One notification moving through the stages; a stage that stops it sets `outcome`. */
export interface NotifyItem {
  notification: NotificationRow;
  incident: NotifyIncident;
  outcome?: { status: NotificationStatus; reason: string };
}

export interface StageContext {
  now: Date;
  budgets: BudgetSettings;
  digestAfterMs: number;
  /** Pages to the same person on the same channel for the same incident this close together are one. */
  dedupWindowMs: number;
}

export type NotifyStage = (tx: Db, items: NotifyItem[], ctx: StageContext) => Promise<NotifyItem[]>;

export const DIGEST_TASK = 'notify-digest';

const pending = (items: NotifyItem[]) => items.filter((item) => !item.outcome);

/** mute: silences and maintenance windows in force now. */
export const muteStage: NotifyStage = async (tx, items, ctx) => {
  const silences = await activeSilences(tx, ctx.now);
  for (const item of pending(items)) {
    const { incident } = item;
    const silence = silences.find((s) =>
      silenceMatches(s.matchers, { service: incident.serviceId, severity: incident.severity, category: incident.category, labels: incident.labels }),
    );
    if (silence) item.outcome = { status: 'suppressed', reason: `${silence.kind} "${silence.comment}" until ${silence.endsAt.toISOString()}` };
  }
  return items;
};

/** dedup: nothing for incidents someone already took, nor a repeat of a page just sent. */
export const dedupStage: NotifyStage = async (tx, items, ctx) => {
  for (const item of pending(items)) {
    if (item.incident.status !== 'triggered') {
      item.outcome = { status: 'cancelled', reason: `incident is ${item.incident.status}` };
      continue;
    }
    const recent = await tx
      .selectFrom('notifications')
      .select(['sent_at'])
      .where('incident_id', '=', item.incident.id)
      .where('user_id', '=', item.notification.user_id)
      .where('channel', '=', item.notification.channel)
      .where('status', '=', 'sent')
      .where('sent_at', '>', new Date(ctx.now.getTime() - ctx.dedupWindowMs))
      .executeTakeFirst();
    if (recent?.sent_at) {
      item.outcome = { status: 'suppressed', reason: `duplicate: the same page went out ${formatDuration(ctx.now.getTime() - recent.sent_at.getTime())} ago` };
    }
  }
  return items;
};

/** budget: past a person's limit, pages wait for one digest instead. */
export const budgetStage: NotifyStage = async (tx, items, ctx) => {
  for (const item of pending(items)) {
    const { severity } = item.incident;
    if (ctx.budgets.exempt.includes(severity)) continue;
    // One budget decision per person at a time, or a storm's parallel sends would all see room.
    await sql`select pg_advisory_xact_lock(hashtext('warroom.budget'), hashtext(${item.notification.user_id}))`.execute(tx);
    // A later channel of a page the person already got is the same page, not a new one.
    const alreadyPaged = await tx
      .selectFrom('notifications')
      .select('id')
      .where('incident_id', '=', item.incident.id)
      .where('user_id', '=', item.notification.user_id)
      .where('status', 'in', ['sent', 'sending'])
      .executeTakeFirst();
    if (alreadyPaged) continue;
    const probe = budgetDecision(severity, 0, ctx.budgets);
    const sent = await countPagedIncidents(tx, item.notification.user_id, severitiesOfClass(severity), new Date(ctx.now.getTime() - probe.budget.windowMs), item.incident.id);
    const decision = budgetDecision(severity, sent, ctx.budgets);
    if (decision.allowed) continue;
    item.outcome = { status: 'digested', reason: `over budget: ${sent} pages in ${formatDuration(decision.budget.windowMs)} (limit ${decision.budget.limit}); held for a digest` };
    await enqueue(tx, DIGEST_TASK, { userId: item.notification.user_id }, {
      runAt: new Date(ctx.now.getTime() + ctx.digestAfterMs),
      jobKey: `digest:${item.notification.user_id}`,
      jobKeyMode: 'preserve_run_at',
    });
  }
  return items;
};

/** The stages that decide, in order, before render → send → record. */
export const DECIDING_STAGES: NotifyStage[] = [muteStage, dedupStage, budgetStage];

export async function runStages(tx: Db, items: NotifyItem[], ctx: StageContext, stages = DECIDING_STAGES): Promise<NotifyItem[]> {
  let current = items;
  for (const stage of stages) current = await stage(tx, current, ctx);
  return current;
}
