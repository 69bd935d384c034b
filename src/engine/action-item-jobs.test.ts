import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { withTx, type Db } from '../db/database.js';
import * as followupMigration from '../db/migrations/0006-action-items-decisions.js';
import { FakeClock, silentLogger, systemClock, type Clock } from '../kernel/index.js';
import { declareIncident, recordTimeline, systemActor } from '../domain/incidents/index.js';
import { ACTION_ITEM_REMINDER_TASK, actionItemJobKey, completeActionItem, createActionItem, getActionItem, type ActionItemReminder } from '../domain/followups/index.js';
import { enqueue, pendingJobs, startWorker } from '../queue/index.js';
import { actionItemReminderJob, reminderToRooms } from './action-item-jobs.js';
import type { MessageDoc } from '../contracts/index.js';

let t: TestDatabase;
const start = new Date('2026-11-23T10:00:00Z');
const H = 3_600_000;

async function ensureFollowupTables(db: Db): Promise<void> {
  const found = await sql<{ t: string | null }>`select to_regclass('action_items')::text as t`.execute(db);
  if (!found.rows[0]?.t) await followupMigration.up(db as never);
}

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureFollowupTables(t.db);
  await t.db.insertInto('users').values({ id: 'bob', name: 'Bob', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'api' }).execute();
});
afterAll(async () => t?.drop());

/** A P1 item for bob, due 2 h after `now`; its reminder is due 30 min before that. */
async function newItem(now: Date) {
  const incident = await withTx(t.db, (tx) => declareIncident(tx, { title: 'Pool', severity: 'P1', category: 'data', impact: 'few_users' }, { now, actor: systemActor, autoCloseAfterMs: 1 }));
  return withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'add pool alerts', assigneeUserId: 'bob', source: 'chat' }, { now, actor: systemActor }));
}

function harness(clock: Clock, deliver?: (r: ActionItemReminder, tx: Db) => Promise<void>) {
  const delivered: ActionItemReminder[] = [];
  const job = actionItemReminderJob({ db: t.db, clock, logger: silentLogger, deliver: deliver ?? (async (r) => void delivered.push(r)) });
  return { delivered, run: (itemId: string) => job.handle({ itemId }), task: job.task };
}

const reminderEvents = (incidentId: string) =>
  t.db.selectFrom('incident_events').select(['summary', 'data']).where('incident_id', '=', incidentId).where('kind', '=', 'action_item.reminder').orderBy('id').execute();
const jobsOf = async (itemId: string) => (await pendingJobs(t.db, actionItemJobKey(itemId))).filter((j) => j.key === actionItemJobKey(itemId));

describe('action item reminder job', () => {
  it('reminds before due, schedules the overdue reminder at the due time, then reminds overdue once', async () => {
    const clock = new FakeClock(start);
    const item = await newItem(start);
    const h = harness(clock);
    expect(h.task).toBe(ACTION_ITEM_REMINDER_TASK);

    clock.set(new Date(start.getTime() + 1.5 * H));
    await h.run(item.id);
    expect(h.delivered).toEqual([{ incidentId: item.incidentId, itemId: item.id, title: 'add pool alerts', assigneeUserId: 'bob', dueAt: item.dueAt, overdue: false }]);
    expect((await jobsOf(item.id)).map((j) => j.runAt)).toEqual([item.dueAt]);
    expect((await getActionItem(t.db, item.id)).remindedAt).toEqual(clock.now());

    // A re-run of the same reminder (a retry, a duplicate) says nothing again.
    await h.run(item.id);
    expect(h.delivered).toHaveLength(1);

    clock.set(item.dueAt);
    await h.run(item.id);
    await h.run(item.id);
    expect(h.delivered.map((r) => r.overdue)).toEqual([false, true]);
    const events = await reminderEvents(item.incidentId);
    expect(events.map((e) => e.data.overdue)).toEqual([false, true]);
    expect(events[1]!.summary).toBe(`Reminder: action item "add pool alerts" (Bob) is overdue since ${item.dueAt.toISOString()}`);
    expect((await jobsOf(item.id)).map((j) => j.runAt)).toEqual([item.dueAt]);
  });

  it('a first reminder that runs late (after due) is the overdue one, with nothing further scheduled', async () => {
    const clock = new FakeClock(start);
    const item = await newItem(start);
    await withTx(t.db, (tx) => sql`select graphile_worker.remove_job(${actionItemJobKey(item.id)})`.execute(tx));
    const h = harness(clock);
    clock.set(new Date(item.dueAt.getTime() + H));
    await h.run(item.id);
    await h.run(item.id);
    expect(h.delivered.map((r) => r.overdue)).toEqual([true]);
    expect(await jobsOf(item.id)).toEqual([]);
  });

  it('says nothing for an item that is done, or gone', async () => {
    const clock = new FakeClock(start);
    const item = await newItem(start);
    await withTx(t.db, (tx) => completeActionItem(tx, item.id, { now: start, actor: systemActor }));
    const h = harness(clock);
    clock.set(item.dueAt);
    await h.run(item.id);
    await h.run('00000000-0000-4000-8000-000000000000');
    expect(h.delivered).toEqual([]);
    expect(await reminderEvents(item.incidentId)).toEqual([]);
  });

  it('when delivery fails nothing is recorded, so the retry reminds', async () => {
    const clock = new FakeClock(new Date(start.getTime() + 1.5 * H));
    const item = await newItem(start);
    const failing = harness(clock, async () => {
      throw new Error('chat is down');
    });
    await expect(failing.run(item.id)).rejects.toThrow('chat is down');
    expect((await getActionItem(t.db, item.id)).remindedAt).toBeNull();
    expect(await reminderEvents(item.incidentId)).toEqual([]);

    const ok = harness(clock);
    await ok.run(item.id);
    expect(ok.delivered).toHaveLength(1);
  });

  it('delivery runs in the job transaction: what it writes commits with the reminder', async () => {
    const clock = new FakeClock(new Date(start.getTime() + 1.5 * H));
    const item = await newItem(start);
    const h = harness(clock, async (r, tx) => {
      await recordTimeline(tx, [{ incidentId: r.incidentId, at: clock.now(), kind: 'test.delivered', actor: systemActor, summary: r.title }]);
    });
    await h.run(item.id);
    const kinds = await t.db.selectFrom('incident_events').select('kind').where('incident_id', '=', item.incidentId).orderBy('id').execute();
    expect(kinds.map((k) => k.kind).slice(-2)).toEqual(['action_item.reminder', 'test.delivered']);
  });

  it('reminderToRooms posts into the rooms with a key per item and stage, @mentioning the assignee', async () => {
    const clock = new FakeClock(new Date(start.getTime() + 1.5 * H));
    const item = await newItem(start);
    await t.db.updateTable('users').set({ timezone: 'Asia/Shanghai', chat_ids: JSON.stringify({ feishu: 'ou_bob' }) }).where('id', '=', 'bob').execute();
    const posts: { incidentId: string; key: string; doc: MessageDoc; now: Date }[] = [];
    const h = harness(clock, reminderToRooms(async (_tx, incidentId, key, doc, now) => void posts.push({ incidentId, key, doc, now }), clock, { publicUrl: () => 'https://wr.example/' }));
    await h.run(item.id);
    clock.set(item.dueAt);
    await h.run(item.id);
    expect(posts.map((p) => p.key)).toEqual([`action-item:${item.id}:due`, `action-item:${item.id}:overdue`]);
    const [first] = posts;
    expect(first!.incidentId).toBe(item.incidentId);
    expect(first!.doc.mentions).toEqual([{ kind: 'user', userId: 'bob', name: 'Bob', chatIds: { feishu: 'ou_bob' }, phone: null }]);
    expect(first!.doc.fields).toContainEqual({ label: '截止 Due', value: '2026-11-23 20:00 (Asia/Shanghai, UTC+08:00)' });
    expect(first!.doc.incidentUrl).toMatch(/^https:\/\/wr\.example\/incidents\/INC-\d+$/);
    expect(first!.doc.severity).toBe('P1');
  });

  it('rejects a payload without an item id', async () => {
    const h = harness(new FakeClock(start));
    await expect(Promise.resolve().then(() => h.run('nope'))).rejects.toThrow(/itemId/);
    expect(h.delivered).toEqual([]);
  });

  it('runs in graphile-worker under its task name', async () => {
    const item = await newItem(systemClock.now());
    const delivered: ActionItemReminder[] = [];
    const worker = await startWorker({
      pool: t.pool,
      logger: silentLogger,
      pollInterval: 100,
      jobs: [actionItemReminderJob({ db: t.db, clock: systemClock, logger: silentLogger, deliver: async (r) => void delivered.push(r) })],
    });
    try {
      // Bring the reminder forward to now, as if its time had come.
      await enqueue(t.db, ACTION_ITEM_REMINDER_TASK, { itemId: item.id }, { jobKey: actionItemJobKey(item.id) });
      // Earlier tests' reminders (at fake times) may run too; this one is the item's own.
      const mine = await waitUntil('the reminder is delivered', async () => delivered.filter((r) => r.itemId === item.id), (r) => r.length > 0);
      expect(mine).toEqual([expect.objectContaining({ itemId: item.id, overdue: false })]);
      const jobs = await waitUntil('the overdue reminder is scheduled', () => jobsOf(item.id), (j) => j.length === 1 && j[0]!.runAt.getTime() === item.dueAt.getTime());
      expect(jobs[0]!.task).toBe(ACTION_ITEM_REMINDER_TASK);
    } finally {
      await worker.stop();
    }
  });
});
