import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { withTx, type Db } from '../../db/database.js';
import * as followupMigration from '../../db/migrations/0006-action-items-decisions.js';
import { applyConfig, parseConfigText } from '../../config/index.js';
import { declareIncident, type Actor } from '../incidents/index.js';
import { pendingJobs } from '../../queue/index.js';
import type { Severity } from '../../kernel/index.js';
import {
  ACTION_ITEM_REMINDER_TASK,
  actionItemJobKey,
  cancelActionItem,
  completeActionItem,
  createActionItem,
  findUserByMention,
  listActionItems,
  openActionItemsSummary,
  reassignActionItem,
  updateActionItem,
} from './index.js';

const CONFIG = `
users:
  - { id: alice, name: Alice, role: admin, chat: { feishu: ou_alice } }
  - { id: bob, name: Bob }
  - { id: carol, name: Carol }
  - { id: dave, name: Dave }
  - { id: dave2, name: dave }
schedules:
  - id: primary
    name: Primary
    timezone: UTC
    layers:
      - { name: everyone, users: [bob], rotation: { every: 1, unit: weeks }, start: "2026-01-05T00:00" }
escalation_policies:
  - id: main
    name: Main
    levels:
      - { targets: [{ schedule: primary }], escalate_after: 10m }
  - id: alice-first
    name: Alice first
    levels:
      - { targets: [{ user: alice }], escalate_after: 10m }
services:
  - { id: api, name: API, owner: carol, escalation_policy: main }
  - { id: web, name: Web, owner: carol }
`;

let t: TestDatabase;
const now = new Date('2026-11-23T10:00:00Z');
const H = 3_600_000;
const alice: Actor = { type: 'user', id: 'alice' };
const ctx = { now, actor: alice };

/** Migration 0006 until src/db/migrate.ts registers it (then the template already has the tables). */
async function ensureFollowupTables(db: Db): Promise<void> {
  const found = await sql<{ t: string | null }>`select to_regclass('action_items')::text as t`.execute(db);
  if (!found.rows[0]?.t) await followupMigration.up(db as never);
}

const declare = (severity: Severity, serviceId?: string, assigneeUserId?: string) =>
  withTx(t.db, (tx) => declareIncident(tx, { title: `Incident ${severity}`, severity, category: 'application', impact: 'few_users', serviceId, assigneeUserId }, { ...ctx, autoCloseAfterMs: 86_400_000 }));

const jobOf = async (itemId: string) => (await pendingJobs(t.db, actionItemJobKey(itemId))).filter((j) => j.key === actionItemJobKey(itemId));

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureFollowupTables(t.db);
  await applyConfig(t.db, parseConfigText(CONFIG, 'test.yaml', {}), { dryRun: false, actor: 'test', now });
  await t.db.insertInto('chat_identities').values({ user_id: 'carol', platform: 'slack', external_id: 'U0CAROL', looked_up_at: now }).execute();
});
afterAll(async () => t?.drop());

describe('createActionItem', () => {
  it('defaults to the person on call, a severity due time, and writes timeline, audit and reminder job together', async () => {
    const incident = await declare('P1', 'api');
    const item = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: `INC-${incident.number}`, title: '  补充连接池监控  ', source: 'chat' }, ctx));
    expect(item).toMatchObject({ incidentId: incident.id, title: '补充连接池监控', assigneeUserId: 'bob', assigneeName: 'Bob', assignedBy: 'on_call', status: 'open', createdBy: 'user:alice', source: 'chat' });
    expect(item.dueAt).toEqual(new Date(now.getTime() + 2 * H));

    const jobs = await jobOf(item.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.task).toBe(ACTION_ITEM_REMINDER_TASK);
    expect(jobs[0]!.runAt).toEqual(new Date(now.getTime() + 1.5 * H));

    const events = await t.db.selectFrom('incident_events').select(['kind', 'actor', 'data']).where('incident_id', '=', incident.id).where('kind', 'like', 'action_item.%').execute();
    expect(events).toEqual([{ kind: 'action_item.created', actor: 'user:alice', data: expect.objectContaining({ itemId: item.id, assigneeUserId: 'bob' }) }]);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor', 'target_type']).where('target_id', '=', item.id).execute();
    expect(audit).toEqual([{ action: 'action_item.create', actor: 'user:alice', target_type: 'action_item' }]);
  });

  it('writes nothing, not even the job, when the transaction rolls back', async () => {
    const incident = await declare('P2', 'api');
    let itemId = '';
    await expect(withTx(t.db, async (tx) => {
      itemId = (await createActionItem(tx, { incidentId: incident.id, title: 'doomed', source: 'api' }, ctx)).id;
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    expect(itemId).not.toBe('');
    expect(await jobOf(itemId)).toEqual([]);
    expect(await listActionItems(t.db, incident.id)).toEqual([]);
  });

  it.each([
    ['the escalation row\'s policy wins over the service\'s', 'api', undefined, 'alice-first', 'alice', 'on_call'],
    ['the service policy when escalation has not started', 'api', undefined, null, 'bob', 'on_call'],
    ['no policy: the incident\'s assignee', 'web', 'dave', null, 'dave', 'incident_assignee'],
    ['no policy, no assignee: the service owner', 'web', undefined, null, 'carol', 'service_owner'],
    ['no service at all: nobody', undefined, undefined, null, null, 'none'],
  ])('default assignee: %s', async (_name, serviceId, incidentAssignee, escalationPolicy, expected, reason) => {
    const incident = await declare('P2', serviceId, incidentAssignee);
    if (escalationPolicy) {
      await t.db.insertInto('escalations').values({ incident_id: incident.id, policy_id: escalationPolicy, level: 0, cycle: 0, state: 'active', next_step_at: null, started_at: now, updated_at: now }).execute();
    }
    const item = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'x', source: 'api' }, ctx));
    expect([item.assigneeUserId, item.assignedBy]).toEqual([expected, reason]);
    expect(item.dueAt).toEqual(new Date(now.getTime() + 24 * H));
  });

  it('a given assignee and due time are kept; null means unassigned', async () => {
    const incident = await declare('P3', 'api');
    const due = new Date(now.getTime() + 5 * H);
    const named = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'a', assigneeUserId: 'carol', dueAt: due, source: 'ui' }, ctx));
    expect([named.assigneeUserId, named.assignedBy, named.dueAt]).toEqual(['carol', 'given', due]);
    const nobody = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'b', assigneeUserId: null, source: 'ui' }, ctx));
    expect([nobody.assigneeUserId, nobody.dueAt]).toEqual([null, new Date(now.getTime() + 72 * H)]);
  });

  it.each([
    ['an empty title', { title: '   ' }, 400, /title/],
    ['a title over 500 characters', { title: 'x'.repeat(501) }, 400, /500/],
    ['an unknown assignee', { assigneeUserId: 'zed' }, 400, /zed/],
    ['a due time in the past', { dueAt: new Date(now.getTime() - 1) }, 400, /not in the future/],
    ['an unknown incident', { incidentId: 'INC-999999' }, 404, /INC-999999/],
  ])('refuses %s', async (_name, override, status, message) => {
    const incident = await declare('P2', 'api');
    const attempt = withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'ok', source: 'api', ...override }, ctx));
    await expect(attempt).rejects.toMatchObject({ status, message: expect.stringMatching(message) });
  });
});

describe('completing, cancelling and changing', () => {
  it('completing marks it done, removes the reminder, and cannot happen twice', async () => {
    const incident = await declare('P1', 'api');
    const item = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'fix', source: 'api' }, ctx));
    const later = { now: new Date(now.getTime() + H), actor: { type: 'user', id: 'bob' } as Actor };
    const done = await withTx(t.db, (tx) => completeActionItem(tx, item.id, later, 'merged'));
    expect(done).toMatchObject({ status: 'done', doneAt: later.now, updatedAt: later.now });
    expect(await jobOf(item.id)).toEqual([]);
    const kinds = await t.db.selectFrom('incident_events').select(['kind', 'summary']).where('incident_id', '=', incident.id).orderBy('id').execute();
    expect(kinds.at(-1)).toEqual({ kind: 'action_item.done', summary: 'Action item done: fix (by user:bob): merged' });
    await expect(withTx(t.db, (tx) => completeActionItem(tx, item.id, later))).rejects.toMatchObject({ status: 409 });
    await expect(withTx(t.db, (tx) => cancelActionItem(tx, item.id, later))).rejects.toMatchObject({ status: 409, message: expect.stringContaining('already done') });
  });

  it('cancelling removes the reminder too; a cancelled item cannot be changed', async () => {
    const incident = await declare('P2', 'api');
    const item = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'maybe', source: 'api' }, ctx));
    expect(await jobOf(item.id)).toHaveLength(1);
    const cancelled = await withTx(t.db, (tx) => cancelActionItem(tx, item.id, ctx, 'not needed'));
    expect([cancelled.status, cancelled.doneAt]).toEqual(['cancelled', null]);
    expect(await jobOf(item.id)).toEqual([]);
    await expect(withTx(t.db, (tx) => updateActionItem(tx, item.id, { title: 'new' }, ctx))).rejects.toMatchObject({ status: 409 });
    const audit = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', item.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['action_item.create', 'action_item.cancel']);
  });

  it('a new due time reschedules the reminder and clears reminded_at; reassigning keeps it', async () => {
    const incident = await declare('P1', 'api');
    const item = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'tune pool', source: 'api' }, ctx));
    await t.db.updateTable('action_items' as never).set({ reminded_at: now } as never).where('id' as never, '=', item.id as never).execute();
    const due = new Date(now.getTime() + 8 * H);
    const moved = await withTx(t.db, (tx) => updateActionItem(tx, item.id, { dueAt: due, title: 'tune the pool' }, ctx));
    expect([moved.dueAt, moved.remindedAt, moved.title]).toEqual([due, null, 'tune the pool']);
    expect((await jobOf(item.id)).map((j) => j.runAt)).toEqual([new Date(now.getTime() + 6 * H)]);

    const handed = await withTx(t.db, (tx) => reassignActionItem(tx, item.id, 'carol', ctx));
    expect([handed.assigneeUserId, handed.assigneeName]).toEqual(['carol', 'Carol']);
    expect((await jobOf(item.id)).map((j) => j.runAt)).toEqual([new Date(now.getTime() + 6 * H)]);
    const summaries = await t.db.selectFrom('incident_events').select('summary').where('incident_id', '=', incident.id).where('kind', '=', 'action_item.updated').orderBy('id').execute();
    expect(summaries.map((s) => s.summary)).toEqual([
      `Action item "tune the pool" changed: title "tune the pool", due ${due.toISOString()}`,
      'Action item "tune the pool" changed: assignee carol',
    ]);
  });

  it('a change that changes nothing writes nothing; bad changes are refused', async () => {
    const incident = await declare('P2', 'api');
    const item = await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'same', source: 'api' }, ctx));
    await withTx(t.db, (tx) => updateActionItem(tx, item.id, { title: 'same', assigneeUserId: 'bob' }, ctx));
    const updates = await t.db.selectFrom('incident_events').select('id').where('incident_id', '=', incident.id).where('kind', '=', 'action_item.updated').execute();
    expect(updates).toEqual([]);
    await expect(withTx(t.db, (tx) => updateActionItem(tx, item.id, { assigneeUserId: 'nobody' }, ctx))).rejects.toMatchObject({ status: 400 });
    await expect(withTx(t.db, (tx) => updateActionItem(tx, item.id, { dueAt: now }, ctx))).rejects.toMatchObject({ status: 400 });
    await expect(withTx(t.db, (tx) => completeActionItem(tx, '00000000-0000-4000-8000-000000000000', ctx))).rejects.toMatchObject({ status: 404 });
    await expect(withTx(t.db, (tx) => completeActionItem(tx, 'not-a-uuid', ctx))).rejects.toMatchObject({ status: 404 });
  });
});

describe('listing and summaries', () => {
  it('lists oldest first, filters by status, and summarises open items soonest due first', async () => {
    const incident = await declare('P1', 'api');
    const make = (title: string, dueH: number, at: Date) =>
      withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title, dueAt: new Date(now.getTime() + dueH * H), assigneeUserId: title === 'c' ? null : 'bob', source: 'api' }, { ...ctx, now: at }));
    const a = await make('a', 5, now);
    await make('b', 1, new Date(now.getTime() + 1000));
    await make('c', 3, new Date(now.getTime() + 2000));
    await withTx(t.db, (tx) => completeActionItem(tx, a.id, ctx));
    expect((await listActionItems(t.db, incident.id)).map((i) => i.title)).toEqual(['a', 'b', 'c']);
    expect((await listActionItems(t.db, incident.id, { status: 'open' })).map((i) => i.title)).toEqual(['b', 'c']);
    expect((await listActionItems(t.db, incident.id, { status: 'done' })).map((i) => i.title)).toEqual(['a']);

    const lines = await openActionItemsSummary(t.db, incident.id, { now: new Date(now.getTime() + 2 * H), timeZone: 'Asia/Shanghai' });
    expect(lines).toEqual([
      '未完成行动项 Open action items (2):',
      '1. b — Bob, 截止 due 2026-11-23 19:00 ⚠️ 已逾期 overdue',
      '2. c — 未分配 unassigned, 截止 due 2026-11-23 21:00',
    ]);
    const empty = await declare('P3');
    expect(await openActionItemsSummary(t.db, empty.id)).toEqual(['没有未完成的行动项 No open action items.']);
  });

  it.each([
    ['a user id', 'bob', 'bob'],
    ['an @-prefixed id', '@carol', 'carol'],
    ['a chat id from config', 'ou_alice', 'alice'],
    ['a directory-lookup id', 'U0CAROL', 'carol'],
    ['any of several platform ids', ['ou_unknown', 'ou_alice'], 'alice'],
    ['a display name, any case', 'BOB', 'bob'],
    ['an ambiguous name', 'Dave', null],
    ['nobody', 'zed', null],
    ['an empty mention', '  ', null],
  ])('findUserByMention: %s', async (_name, mention, expected) => {
    expect((await findUserByMention(t.db, mention))?.id ?? null).toBe(expected);
  });
});
