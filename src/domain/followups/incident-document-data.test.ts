import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { withTx, type Db } from '../../db/database.js';
import * as followupMigration from '../../db/migrations/0006-action-items-decisions.js';
import { addNote, changeIncidentStatus, declareIncident, type Actor } from '../incidents/index.js';
import { buildIncidentDocument, createActionItem, loadIncidentDocumentData, recordDecision } from './index.js';

let t: TestDatabase;
const now = new Date('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const user = (id: string): Actor => ({ type: 'user', id });

async function ensureFollowupTables(db: Db): Promise<void> {
  const found = await sql<{ t: string | null }>`select to_regclass('action_items')::text as t`.execute(db);
  if (!found.rows[0]?.t) await followupMigration.up(db as never);
}

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureFollowupTables(t.db);
  await t.db.insertInto('users').values([
    { id: 'alice', name: 'Alice', timezone: 'UTC', role: 'admin', chat_ids: '{}', managed_by: 'api' },
    { id: 'bob', name: 'Bob', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'api' },
    { id: 'carol', name: 'Carol', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'api' },
    { id: 'erin', name: 'Erin', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'api' },
  ]).execute();
  await t.db.insertInto('services').values({ id: 'checkout', name: 'Checkout', owner_user_id: 'erin', impact: 'few_users', links: '{}', auto_resolve: true, grouping: 'null', generic_mapping: 'null', managed_by: 'api' }).execute();
});
afterAll(async () => t?.drop());

describe('loadIncidentDocumentData', () => {
  it('loads the incident, its timeline, decisions, action items and the names of everyone involved', async () => {
    const ctx = (minutes: number, who: string) => ({ now: at(minutes), actor: user(who), autoCloseAfterMs: 86_400_000 });
    const incident = await withTx(t.db, (tx) => declareIncident(tx, { title: 'Checkout 5xx', severity: 'P1', category: 'application', impact: 'all_users', serviceId: 'checkout', assigneeUserId: 'alice' }, ctx(0, 'alice')));
    await withTx(t.db, (tx) => changeIncidentStatus(tx, incident.id, { type: 'acknowledge' }, ctx(4, 'bob')));
    await withTx(t.db, (tx) => addNote(tx, incident.id, 'Root cause: pool max of 10', ctx(10, 'bob')));
    await withTx(t.db, (tx) => recordDecision(tx, { incidentId: incident.id, summary: 'Roll back', rationale: 'fastest', source: 'chat' }, ctx(15, 'alice')));
    await withTx(t.db, (tx) => createActionItem(tx, { incidentId: incident.id, title: 'Raise the pool limit', assigneeUserId: 'carol', source: 'api' }, ctx(20, 'alice')));
    await withTx(t.db, (tx) => changeIncidentStatus(tx, incident.id, { type: 'resolve' }, ctx(50, 'alice'), { note: 'rolled back to v1.2' }));

    const data = await loadIncidentDocumentData(t.db, `INC-${incident.number}`, { now: at(60), timeZone: 'Asia/Shanghai' });
    expect(data.incident).toMatchObject({ ref: `INC-${incident.number}`, title: 'Checkout 5xx', status: 'resolved', impact: 'all_users', createdAt: at(0), acknowledgedAt: at(4), resolvedAt: at(50) });
    expect(data.service).toEqual({ id: 'checkout', name: 'Checkout' });
    expect(data.commander).toBe('Alice');
    // Erin owns the service but did nothing: not a participant.
    expect(data.participants).toEqual(['Alice', 'Bob', 'Carol']);

    // A commander role wins over the assignee; a room member who spoke takes part, a silent one does not.
    await t.db.insertInto('users').values([
      { id: 'gus', name: 'Gus', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'api' },
      { id: 'hal', name: 'Hal', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'api' },
    ]).execute();
    await t.db.insertInto('incident_roles').values({ incident_id: incident.id, role: 'commander', user_id: 'erin', assigned_at: at(30), assigned_by: 'user:alice' }).execute();
    await t.db.insertInto('room_members').values([
      { incident_id: incident.id, user_id: 'gus', reasons: ['on call'], invited_at: at(1), invited_by: 'system', first_spoke_at: at(3) },
      { incident_id: incident.id, user_id: 'hal', reasons: ['team'], invited_at: at(1), invited_by: 'system', first_spoke_at: null },
    ]).execute();
    const withRoom = await loadIncidentDocumentData(t.db, incident.id, { now: at(60) });
    expect(withRoom.commander).toBe('Erin');
    expect(withRoom.participants).toEqual(['Alice', 'Bob', 'Carol', 'Erin', 'Gus']);
    expect(data.events.map((e) => e.kind)).toEqual(['incident.declared', 'status.acknowledged', 'note', 'decision.recorded', 'action_item.created', 'status.resolved']);
    expect(data.decisions.map((d) => d.summary)).toEqual(['Roll back']);
    expect(data.actionItems.map((a) => [a.title, a.assigneeName])).toEqual([['Raise the pool limit', 'Carol']]);

    const doc = buildIncidentDocument(data);
    expect(doc).toContain('- **参与者 Participants**: Alice, Bob, Carol');
    expect(doc).toContain('- pool max of 10');
    expect(doc).toContain('- rolled back to v1.2');
    expect(doc).toContain('| Raise the pool limit | Carol | 2026-11-23 20:20 | 进行中 open |');
    expect(doc).toContain('- **持续时间 Duration**: 50m');
  });

  it('answers 404 for an unknown incident', async () => {
    await expect(loadIncidentDocumentData(t.db, 'INC-99999', { now })).rejects.toMatchObject({ status: 404 });
  });
});
