import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CHECKOUT_KEY, RESPONDER_TOKEN, VIEWER_TOKEN, startTestApp, type TestApp } from '../../test/helpers/test-app.js';

// The routes the web console needs beyond the basics: escalate, roles, bulk acknowledge, similar incidents.
const CONFIG = `
settings:
  public_url: https://warroom.example
users:
  - { id: alice, name: Alice Chen, email: alice@example.com, role: admin }
  - { id: bob, name: Bob, email: bob@example.com }
services:
  - id: checkout
    name: Checkout
    owner: alice
    integration_keys: [{ key: ${CHECKOUT_KEY} }]
    links:
      dashboard: "https://grafana.example/d/svc?var-service={service}"
      logs: https://logs.example/search
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
  - { name: responder, token: ${RESPONDER_TOKEN}, role: responder, user: bob }
  - { name: viewer, token: ${VIEWER_TOKEN}, role: viewer }
`;

let h: TestApp;
beforeAll(async () => {
  // No worker: escalation rows are set up by hand, so nothing moves behind the tests' backs.
  h = await startTestApp({ config: CONFIG, worker: false });
});
afterAll(async () => h?.close());

async function declare(title: string, service_id?: string): Promise<{ id: string; ref: string }> {
  const reply = await h.request('POST', '/api/v1/incidents', { token: RESPONDER_TOKEN, body: { title, severity: 'P1', ...(service_id ? { service_id } : {}) } });
  expect(reply.status).toBe(201);
  return { id: reply.body.id, ref: reply.body.ref };
}

/** The web room the worker would open; chat commands and capture need it. */
async function openWebRoom(incident: { id: string }): Promise<void> {
  const now = new Date();
  await h.db.db.insertInto('rooms').values({ incident_id: incident.id, provider: 'web', chat_id: incident.id, name: 'web', topic: null, status: 'active', reason: null, created_at: now, updated_at: now, opened_at: now }).execute();
}

const timelineKinds = async (ref: string) => ((await h.request('GET', `/api/v1/incidents/${ref}/timeline`)).body.items as { kind: string; actor: string; summary: string }[]);
const audit = async (incidentId: string) => h.db.db.selectFrom('audit_log').select(['action', 'actor', 'data']).where('target_id', '=', incidentId).orderBy('id').execute();

describe('POST /api/v1/incidents/:id/escalate', () => {
  it('pages the next level now while an escalation runs, and answers 409 otherwise', async () => {
    const incident = await declare('Escalate me');
    const none = await h.request('POST', `/api/v1/incidents/${incident.ref}/escalate`, { token: RESPONDER_TOKEN });
    expect(none.status).toBe(409);
    expect(none.body.message).toContain('not escalating');

    const later = new Date(Date.now() + 600_000);
    await h.db.db.insertInto('escalations').values({ incident_id: incident.id, policy_id: 'main', level: 1, cycle: 0, fallback: false, state: 'active', next_step_at: later, started_at: new Date(), updated_at: new Date() }).execute();
    expect((await h.request('POST', `/api/v1/incidents/${incident.ref}/escalate`, { token: VIEWER_TOKEN })).status).toBe(403);
    const done = await h.request('POST', `/api/v1/incidents/${incident.ref}/escalate`, { token: RESPONDER_TOKEN });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ result: 'escalated' });
    const row = await h.db.db.selectFrom('escalations').select('next_step_at').where('incident_id', '=', incident.id).executeTakeFirstOrThrow();
    expect(row.next_step_at!.getTime()).toBeLessThan(later.getTime());
    expect((await timelineKinds(incident.ref)).find((e) => e.kind === 'escalation.manual')).toMatchObject({ actor: 'user:bob' });
    expect((await audit(incident.id)).map((a) => a.action)).toContain('incident.escalate');
    expect((await h.request('POST', '/api/v1/incidents/INC-999999/escalate', { token: RESPONDER_TOKEN })).status).toBe(404);
  });
});

describe('PUT /api/v1/incidents/:id/roles/:role', () => {
  it('names and clears the commander, on the timeline, in the audit log and in the room', async () => {
    const incident = await declare('Needs a commander');
    const set = await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/commander`, { token: RESPONDER_TOKEN, body: { user_id: 'alice' } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ role: 'commander', user_id: 'alice', name: 'Alice Chen', changed: true });
    const room = await h.request('GET', `/api/v1/incidents/${incident.ref}/room`, { token: VIEWER_TOKEN });
    expect(room.body.roles).toEqual([{ role: 'commander', user_id: 'alice', assigned_at: expect.any(String) }]);

    const cleared = await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/commander`, { token: RESPONDER_TOKEN, body: { user_id: null } });
    expect(cleared.body).toEqual({ role: 'commander', user_id: null, name: null, changed: true });
    const twice = await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/commander`, { token: RESPONDER_TOKEN, body: { user_id: null } });
    expect(twice.body.changed).toBe(false);
    expect((await h.request('GET', `/api/v1/incidents/${incident.ref}/room`)).body.roles).toEqual([]);

    const events = (await timelineKinds(incident.ref)).filter((e) => e.kind.startsWith('role.'));
    expect(events.map((e) => [e.kind, e.actor, e.summary])).toEqual([
      ['role.assigned', 'user:bob', 'Alice Chen is the commander'],
      ['role.cleared', 'user:bob', 'Nobody is the commander any more (was alice)'],
    ]);
    expect((await audit(incident.id)).filter((a) => a.action === 'incident.role.commander').map((a) => (a.data as { user_id: string | null }).user_id)).toEqual(['alice', null]);
  });

  it('checks the role, the user and the caller', async () => {
    const incident = await declare('Role checks');
    const bad = await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/captain`, { token: RESPONDER_TOKEN, body: { user_id: 'bob' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('role');
    expect((await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/scribe`, { token: RESPONDER_TOKEN, body: { user_id: 'ghost' } })).status).toBe(404);
    expect((await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/scribe`, { token: RESPONDER_TOKEN, body: {} })).status).toBe(400);
    expect((await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/liaison`, { token: VIEWER_TOKEN, body: { user_id: 'bob' } })).status).toBe(403);
    expect((await h.request('PUT', `/api/v1/incidents/${incident.ref}/roles/liaison`, { token: RESPONDER_TOKEN, body: { user_id: 'bob' } })).body.name).toBe('Bob');
  });

  it('is the same code as the chat command', async () => {
    const incident = await declare('Chat commander');
    await openWebRoom(incident);
    const said = await h.request('POST', `/api/v1/incidents/${incident.ref}/room/messages`, { token: ADMIN_TOKEN, body: { text: '/scribe bob' } });
    expect(said.status).toBe(200);
    expect(said.body.reply).toContain('Bob is now the scribe');
    expect((await h.request('GET', `/api/v1/incidents/${incident.ref}/room`)).body.roles).toEqual([{ role: 'scribe', user_id: 'bob', assigned_at: expect.any(String) }]);
    expect((await timelineKinds(incident.ref)).find((e) => e.kind === 'role.assigned')).toMatchObject({ actor: 'user:alice', summary: 'Bob is the scribe' });
  });
});

describe('POST /api/v1/incidents/acknowledge', () => {
  it('acknowledges each incident on its own: one that cannot be does not stop the rest', async () => {
    const a = await declare('Bulk A');
    const b = await declare('Bulk B');
    const done = await declare('Bulk already acknowledged');
    await h.request('POST', `/api/v1/incidents/${done.ref}/acknowledge`, { token: RESPONDER_TOKEN, body: {} });

    const reply = await h.request('POST', '/api/v1/incidents/acknowledge', { token: RESPONDER_TOKEN, body: { ids: [a.ref, done.id, 'INC-999999', b.id], note: 'storm triage' } });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toEqual([
      { id: a.ref, ref: a.ref, ok: true },
      { id: done.id, ref: done.ref, ok: false, error: expect.stringContaining('already acknowledged') },
      { id: 'INC-999999', ref: null, ok: false, error: expect.stringContaining('not found') },
      { id: b.id, ref: b.ref, ok: true },
    ]);
    for (const incident of [a, b]) {
      expect((await h.request('GET', `/api/v1/incidents/${incident.ref}`)).body.incident.status).toBe('acknowledged');
      expect((await timelineKinds(incident.ref)).find((e) => e.kind === 'status.acknowledged')).toMatchObject({ actor: 'user:bob', summary: expect.stringContaining('storm triage') });
      expect((await audit(incident.id)).map((x) => x.action)).toContain('incident.acknowledge');
    }
  });

  it('takes 1 to 100 ids from a responder', async () => {
    expect((await h.request('POST', '/api/v1/incidents/acknowledge', { token: RESPONDER_TOKEN, body: { ids: [] } })).status).toBe(400);
    expect((await h.request('POST', '/api/v1/incidents/acknowledge', { token: RESPONDER_TOKEN, body: { ids: Array.from({ length: 101 }, (_, i) => `INC-${i + 1}`) } })).status).toBe(400);
    expect((await h.request('POST', '/api/v1/incidents/acknowledge', { token: VIEWER_TOKEN, body: { ids: ['INC-1'] } })).status).toBe(403);
  });
});

describe('GET /api/v1/incidents/:id/similar', () => {
  it('lists resolved incidents of the same service and the service\'s diagnostic links', async () => {
    const past = await declare('Checkout timeouts last week', 'checkout');
    await h.request('POST', `/api/v1/incidents/${past.ref}/resolve`, { token: RESPONDER_TOKEN, body: {} });
    const open = await declare('Checkout timeouts again', 'checkout');
    const reply = await h.request('GET', `/api/v1/incidents/${open.ref}/similar`, { token: VIEWER_TOKEN });
    expect(reply.status).toBe(200);
    expect(reply.body.similar[0]).toEqual({ ref: past.ref, title: 'Checkout timeouts last week', url: `https://warroom.example/incidents/${past.ref}`, resolved_by: 'user:bob', why: 'same service' });
    expect(reply.body.similar.map((s: { ref: string }) => s.ref)).not.toContain(open.ref);
    expect(reply.body.links).toHaveLength(2);
    expect(reply.body.links).toEqual(expect.arrayContaining([
      { title: 'dashboard', url: 'https://grafana.example/d/svc?var-service=checkout' },
      { title: 'logs', url: 'https://logs.example/search' },
    ]));
  });

  it('answers empty lists for an incident without a service or history', async () => {
    const lone = await h.request('POST', '/api/v1/incidents', { token: RESPONDER_TOKEN, body: { title: 'Lonely', severity: 'P3', category: 'security' } });
    const reply = await h.request('GET', `/api/v1/incidents/${lone.body.ref}/similar`);
    expect(reply.body).toEqual({ similar: [], links: [] });
    expect((await h.request('GET', '/api/v1/incidents/INC-999999/similar')).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('describes the new routes and the room responses', async () => {
    const doc = (await h.request('GET', '/docs/json', { token: null })).body;
    for (const [path, method] of [['/api/v1/incidents/{id}/escalate', 'post'], ['/api/v1/incidents/{id}/roles/{role}', 'put'], ['/api/v1/incidents/acknowledge', 'post'], ['/api/v1/incidents/{id}/similar', 'get']]) {
      expect(doc.paths[path!]?.[method!], path).toMatchObject({ tags: ['incidents'], summary: expect.any(String) });
    }
    expect(doc.paths['/api/v1/incidents/{id}/room'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('roles');
    expect(doc.paths['/api/v1/incidents/{id}/room/messages'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('items');
    // The console's catch-all is no API operation.
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.includes('*'))).toEqual([]);
  });

  it('serves the room routes through their response schemas', async () => {
    const incident = await declare('Room shapes');
    await openWebRoom(incident);
    await h.request('POST', `/api/v1/incidents/${incident.ref}/room/messages`, { token: ADMIN_TOKEN, body: { text: 'looking at the dashboards' } });
    const room = await h.request('GET', `/api/v1/incidents/${incident.ref}/room`);
    expect(room.status).toBe(200);
    expect(room.body.rooms).toEqual([expect.objectContaining({ provider: 'web', status: 'active', message_count: 1, human_message_count: 1 })]);
    const messages = await h.request('GET', `/api/v1/incidents/${incident.ref}/room/messages`);
    expect(messages.status).toBe(200);
    expect(messages.body.items.find((m: { text: string }) => m.text === 'looking at the dashboards')).toMatchObject({ kind: 'human', author_user_id: 'alice' });
  });
});
