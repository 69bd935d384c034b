import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, RESPONDER_TOKEN } from '../helpers/test-app.js';
import { startScenario, type Scenario } from '../helpers/scenario.js';
import { waitUntil } from '../helpers/wait-until.js';

let h: Scenario;

beforeAll(async () => {
  // No chat platform at all: the built-in web room carries the whole story.
  h = await startScenario(() => `
settings: { public_url: "http://warroom.test" }
users:
  - { id: alice, name: Alice, role: admin }
  - { id: bob, name: Bob }
  - { id: carol, name: Carol }
teams:
  - { id: payments, name: Payments, members: [bob, carol] }
schedules:
  - { id: primary, name: Primary, timezone: UTC, layers: [{ name: weekly, users: [alice], rotation: { every: 1, unit: weeks }, start: "2026-01-05T00:00" }] }
escalation_policies:
  - { id: checkout, name: Checkout, levels: [{ targets: [{ schedule: primary }], escalate_after: 15m }] }
services:
  - { id: checkout, name: Checkout, owner: bob, team: payments, escalation_policy: checkout, integration_keys: [{ key: key-checkout-0001 }] }
knowledge_base:
  articles:
    - { id: pool, title: "Connection pool exhausted: what to check", body: "Look for slow queries, then raise the pool.", tags: [mysql, pool], services: [checkout] }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
  - { name: responder, token: ${RESPONDER_TOKEN}, role: responder, user: bob }
`);
});
afterAll(async () => h?.close());

type RoomMessage = { id: number; kind: string; author_label: string; text: string; doc: { title: string; mentions?: { userId?: string }[] } | null };
const messages = async (ref: string) => (await h.request('GET', `/api/v1/incidents/${ref}/room/messages`)).body.items as RoomMessage[];
const say = (ref: string, text: string, token = ADMIN_TOKEN) => h.request('POST', `/api/v1/incidents/${ref}/room/messages`, { body: { text }, token });

describe('the same war room story in the built-in web room, with no chat platform', () => {
  let ref: string;

  it('opens the web room with the right people and reasons, and posts the card, mentions, alerts and context', async () => {
    ref = (await h.alert({ alertname: 'CheckoutPoolExhausted', severity: 'disaster' })).incident;
    const room = await h.request('GET', `/api/v1/incidents/${ref}/room`);
    expect(room.body.rooms).toEqual([expect.objectContaining({ provider: 'web', status: 'active', name: `🚨紧急-Checkout-${ref}` })]);
    const reasons = Object.fromEntries(room.body.members.map((m: { user_id: string; reasons: string[] }) => [m.user_id, m.reasons.join('; ')]));
    expect(reasons).toMatchObject({ alice: expect.stringMatching(/on call/), bob: expect.stringMatching(/owner of Checkout/), carol: expect.stringMatching(/team Payments/) });
    const posted = await waitUntil('four intro posts', () => messages(ref), (m) => m.length >= 4);
    expect(posted[0]!.kind).toBe('card');
    expect(posted[1]!.doc!.mentions!.map((m) => m.userId).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(posted[1]!.text).toContain('on call');
    expect(posted[2]!.text).toContain('CheckoutPoolExhausted');
    expect(posted[3]!.text).toContain('Connection pool exhausted');
    expect(room.body.mentions.filter((m: { suppressed: boolean }) => !m.suppressed)).toHaveLength(3);
  });

  it('takes a decision and an action item typed in the room, and answers there', async () => {
    expect((await say(ref, '/decision roll back to v1.2 because the pool config is wrong; alternatives: scale the db, disable the flag')).body).toMatchObject({ ok: true });
    expect((await say(ref, '/action add pool alerts @bob by 2h')).body).toMatchObject({ ok: true });
    const decisions = await h.request('GET', `/api/v1/incidents/${ref}/decisions`);
    expect(decisions.body.items[0]).toMatchObject({ summary: 'roll back to v1.2', rationale: 'the pool config is wrong', alternatives: ['scale the db', 'disable the flag'] });
    const items = await h.request('GET', `/api/v1/incidents/${ref}/action-items`);
    expect(items.body.items[0]).toMatchObject({ title: 'add pool alerts', assignee_user_id: 'bob' });
    await waitUntil('both answers in the room', () => messages(ref), (m) => m.some((x) => x.text.includes('roll back to v1.2') && x.kind === 'system') && m.some((x) => x.text.includes('add pool alerts') && x.kind === 'system'));
    expect((await say(ref, 'looking at the pool graphs now', RESPONDER_TOKEN)).body).toMatchObject({ ok: true, reply: null });
    const timeline = await h.request('GET', `/api/v1/incidents/${ref}/timeline`);
    expect(timeline.body.items.some((e: { kind: string; summary: string }) => e.kind === 'chat.message' && e.summary === 'Bob: looking at the pool graphs now')).toBe(true);
    const room = await h.request('GET', `/api/v1/incidents/${ref}/room`);
    expect(room.body.rooms[0].human_message_count).toBe(3);
    expect(room.body.rooms[0].assembled_at).not.toBeNull();
  });

  it('posts a status update on the 5-minute cadence', async () => {
    const before = (await messages(ref)).length;
    await h.advance('5m');
    await waitUntil('the status update', () => messages(ref), (m) => m.slice(before).some((x) => x.text.includes('Status update')));
  });

  it('acknowledges and resolves from the room, posts the summary, and closes the room 5 minutes later', async () => {
    expect((await say(ref, '确认')).body).toMatchObject({ ok: true, reply: `${ref} acknowledged by Alice.` });
    expect((await say(ref, '解决', RESPONDER_TOKEN)).body).toMatchObject({ ok: true, reply: `${ref} resolved by Bob.` });
    await waitUntil('the summary', () => messages(ref), (m) => m.some((x) => x.text.includes('Resolved by')));
    await h.advance('5m');
    const room = await h.request('GET', `/api/v1/incidents/${ref}/room`);
    expect(room.body.rooms[0]).toMatchObject({ status: 'closed' });
    const card = (await messages(ref)).find((m) => m.kind === 'card')!;
    expect(JSON.stringify(card.doc)).toContain('"status":"resolved"');
  });

  it('reopening within the countdown keeps the room open; a viewer token cannot act for a responder', async () => {
    const other = (await h.alert({ alertname: 'CheckoutSlow', severity: 'disaster' })).incident;
    await waitUntil('the web room', async () => (await h.request('GET', `/api/v1/incidents/${other}/room`)).body.rooms, (r) => r[0]?.status === 'active');
    const viewer = await h.request('POST', '/api/v1/tokens', { body: { name: 'bob-viewer', role: 'viewer', user_id: 'bob' } });
    expect(viewer.status).toBe(201);
    expect((await say(other, 'resolve', viewer.body.token)).body).toMatchObject({ ok: false, reply: expect.stringContaining('viewer') });
    expect((await h.request('GET', `/api/v1/incidents/${other}`)).body.incident.status).toBe('triggered');

    expect((await say(other, 'resolve', RESPONDER_TOKEN)).body).toMatchObject({ ok: true });
    await h.advance('2m');
    expect((await h.request('POST', `/api/v1/incidents/${other}/reopen`, { body: {} })).status).toBe(200);
    await h.advance('5m');
    const room = await h.request('GET', `/api/v1/incidents/${other}/room`);
    expect(room.body.rooms[0]).toMatchObject({ status: 'active', closed_at: null });
    await waitUntil('the reopen notice', () => messages(other), (m) => m.some((x) => x.text.includes('reopened')));
  });
});
