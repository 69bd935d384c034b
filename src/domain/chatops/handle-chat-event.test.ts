import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { withTx } from '../../db/database.js';
import type { ChatEvent } from '../../contracts/index.js';
import { declareIncident, findIncident, systemActor } from '../incidents/index.js';
import { acceptChatEvent } from './accept-chat-event.js';
import { pendingJobs } from '../../queue/index.js';

let t: TestDatabase;
const now = new Date('2026-11-23T10:00:00Z');
const ctx = { now, autoCloseAfterMs: 86_400_000, provider: 'feishu' };
let eventSeq = 0;
const action = (action: 'ack' | 'resolve' | 'escalate', incidentRef: string, openId: string, eventId = `e${++eventSeq}`): ChatEvent => ({
  type: 'action', platform: 'feishu', eventId, action, incidentRef, sender: { ids: [openId, 'u_other'] }, at: now,
});
const message = (text: string, openId: string, chatId = 'oc_room'): ChatEvent => ({
  type: 'message', platform: 'feishu', eventId: `m${++eventSeq}`, chatId, chatType: 'group', messageId: `om_${eventSeq}`, sender: { ids: [openId] }, text, mentions: [], mentionsBot: true, at: now,
});
const open = (title: string) =>
  withTx(t.db, (tx) => declareIncident(tx, { title, severity: 'P1', category: 'application', impact: 'few_users' }, { now, actor: systemActor, autoCloseAfterMs: 86_400_000 }));

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.insertInto('users').values([
    { id: 'alice', name: 'Alice', timezone: 'UTC', role: 'responder', chat_ids: JSON.stringify({ feishu: 'ou_alice' }), managed_by: 'config' },
    { id: 'vera', name: 'Vera', timezone: 'UTC', role: 'viewer', chat_ids: JSON.stringify({ lark: 'ou_vera' }), managed_by: 'config' },
    { id: 'lee', name: 'Lee', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'config' },
  ]).execute();
  await t.db.insertInto('chat_identities').values({ user_id: 'lee', platform: 'feishu', external_id: 'ou_lee', looked_up_at: now }).execute();
});
afterAll(async () => t?.drop());

describe('chat events reach the incident', () => {
  it('a card button acknowledges as the person who pressed it, with a timeline note and an audit row', async () => {
    const incident = await open('Checkout 5xx');
    const outcome = await acceptChatEvent(t.db, action('ack', `INC-${incident.number}`, 'ou_alice'), ctx);
    expect(outcome).toEqual({ ok: true, text: `INC-${incident.number} acknowledged by Alice.` });
    expect((await findIncident(t.db, incident.id)).status).toBe('acknowledged');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('target_id', '=', incident.id).execute();
    expect(audit.map((a) => [a.actor, a.action])).toContainEqual(['user:alice', 'incident.acknowledge']);
    const events = await t.db.selectFrom('incident_events').select('summary').where('incident_id', '=', incident.id).execute();
    expect(events.some((e) => e.summary.includes('from a Feishu card'))).toBe(true);
  });

  it('a redelivered or replayed event acts once', async () => {
    const incident = await open('Replayed');
    const first = await acceptChatEvent(t.db, action('resolve', String(incident.number), 'ou_alice', 'same-id'), ctx);
    const again = await acceptChatEvent(t.db, action('resolve', String(incident.number), 'ou_alice', 'same-id'), ctx);
    expect(first.ok).toBe(true);
    expect(again.text).toBe('Already handled.');
    const resolves = await t.db.selectFrom('audit_log').select('id').where('target_id', '=', incident.id).where('action', '=', 'incident.resolve').execute();
    expect(resolves).toHaveLength(1);
  });

  it('an unknown chat account changes nothing and is told how to link itself', async () => {
    const incident = await open('Stranger');
    const outcome = await acceptChatEvent(t.db, action('ack', incident.id, 'ou_stranger'), ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain('users[].chat.feishu');
    expect((await findIncident(t.db, incident.id)).status).toBe('triggered');
  });

  it('a viewer (matched through a lark id) may not acknowledge', async () => {
    const incident = await open('Viewer');
    const outcome = await acceptChatEvent(t.db, action('ack', incident.id, 'ou_vera'), ctx);
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.text).toContain('viewer');
    expect((await findIncident(t.db, incident.id)).status).toBe('triggered');
  });

  it('ids found by directory lookup count as the person', async () => {
    const incident = await open('Looked up');
    expect((await acceptChatEvent(t.db, action('ack', incident.id, 'ou_lee'), ctx)).text).toContain('by Lee');
  });

  it('acknowledging twice answers with the conflict instead of failing', async () => {
    const incident = await open('Twice');
    await acceptChatEvent(t.db, action('ack', incident.id, 'ou_alice'), ctx);
    const second = await acceptChatEvent(t.db, action('ack', incident.id, 'ou_alice'), ctx);
    expect(second.ok).toBe(false);
    expect(second.text).toMatch(/already|cannot|not allowed/i);
  });

  it('a typed command in a war room acts on the room incident and queues a reply', async () => {
    const incident = await open('Room');
    await t.db.insertInto('chat_messages').values({ incident_id: incident.id, provider: 'feishu', platform: 'feishu', chat_id: 'oc_warroom', message_id: 'om_card', purpose: 'room', doc_hash: 'x' }).execute();
    const outcome = await acceptChatEvent(t.db, message('确认', 'ou_alice', 'oc_warroom'), ctx);
    expect(outcome.text).toBe(`INC-${incident.number} acknowledged by Alice.`);
    const replies = await pendingJobs(t.db, 'chat-reply:feishu:');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.task).toBe('chat-reply');
  });

  it('a command in a chat with no incident asks which one; conversation is ignored', async () => {
    expect((await acceptChatEvent(t.db, message('ack', 'ou_alice', 'oc_lobby'), ctx)).text).toContain('Which incident?');
    expect(await acceptChatEvent(t.db, message('the graphs look better now', 'ou_alice', 'oc_lobby'), ctx)).toEqual({ ok: true, text: '' });
  });

  it('escalate brings the next level forward only while escalation runs', async () => {
    const incident = await open('Escalate');
    expect((await acceptChatEvent(t.db, action('escalate', incident.id, 'ou_alice'), ctx)).text).toContain('is not escalating');
    await t.db.insertInto('escalation_policies').values({ id: 'p', name: 'P', repeat: 0, levels: JSON.stringify([{ targets: [{ user: 'alice' }], escalate_after: 600_000 }]), fallback: '[]', managed_by: 'api' } as any).execute();
    await t.db.insertInto('escalations').values({ incident_id: incident.id, policy_id: 'p', level: 1, cycle: 0, fallback: false, state: 'active', next_step_at: new Date(now.getTime() + 600_000), started_at: now, updated_at: now }).execute();
    expect((await acceptChatEvent(t.db, action('escalate', incident.id, 'ou_alice'), ctx)).ok).toBe(true);
    const row = await t.db.selectFrom('escalations').select('next_step_at').where('incident_id', '=', incident.id).executeTakeFirstOrThrow();
    expect(row.next_step_at?.getTime()).toBe(now.getTime());
  });
});
