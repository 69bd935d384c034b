import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  CHECKOUT_KEY,
  RESPONDER_TOKEN,
  VIEWER_TOKEN,
  alertmanagerPayload,
  startTestApp,
  type TestApp,
} from '../../test/helpers/test-app.js';

let h: TestApp;
beforeAll(async () => {
  h = await startTestApp();
});
afterAll(async () => h?.close());

async function fire(alertname: string, extra: Record<string, string> = {}) {
  const reply = await h.request('POST', `/api/v1/integrations/alertmanager/${CHECKOUT_KEY}`, {
    body: alertmanagerPayload([{ labels: { alertname, cluster: 'prod', severity: 'critical', ...extra }, annotations: { summary: `${alertname} is firing` } }]),
    token: null,
  });
  expect(reply.status).toBe(200);
  return reply.body.results[0].incident as string;
}

const auditActions = async () => (await h.db.db.selectFrom('audit_log').select(['action', 'actor', 'target_id']).orderBy('id').execute());

describe('authentication and roles', () => {
  it('needs a bearer token', async () => {
    const reply = await h.request('GET', '/api/v1/incidents', { token: null });
    expect(reply.status).toBe(401);
    expect(reply.body.message).toMatch(/Bearer/);
  });

  it('rejects an unknown token', async () => {
    expect((await h.request('GET', '/api/v1/incidents', { token: 'not-a-real-token' })).status).toBe(401);
  });

  it('lets a viewer read but not act', async () => {
    const ref = await fire('ViewerCannotAck');
    expect((await h.request('GET', `/api/v1/incidents/${ref}`, { token: VIEWER_TOKEN })).status).toBe(200);
    const denied = await h.request('POST', `/api/v1/incidents/${ref}/acknowledge`, { token: VIEWER_TOKEN, body: {} });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('responder');
    const incident = await h.request('GET', `/api/v1/incidents/${ref}`, { token: VIEWER_TOKEN });
    expect(incident.body.incident.status).toBe('triggered');
  });

  it('keeps the audit log and token management for admins', async () => {
    expect((await h.request('GET', '/api/v1/audit', { token: RESPONDER_TOKEN })).status).toBe(403);
    const created = await h.request('POST', '/api/v1/tokens', { body: { name: 'ci-bot', role: 'viewer' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^wr_/);
    // The secret works once created, is stored only hashed, and stops working when revoked.
    expect((await h.request('GET', '/api/v1/me', { token: created.body.token })).body).toMatchObject({ token: 'ci-bot', role: 'viewer' });
    const stored = await h.db.db.selectFrom('api_tokens').selectAll().where('name', '=', 'ci-bot').executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.body.token);
    expect((await h.request('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await h.request('GET', '/api/v1/me', { token: created.body.token })).status).toBe(401);
    const listed = await h.request('GET', '/api/v1/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(ADMIN_TOKEN);
  });
});

describe('incident actions', () => {
  it('acknowledge, then resolve, each on the timeline with its actor and in the audit log', async () => {
    const ref = await fire('AckThenResolve');
    const ack = await h.request('POST', `/api/v1/incidents/${ref}/acknowledge`, { token: RESPONDER_TOKEN, body: { note: 'looking' } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ ref, status: 'acknowledged' });
    expect(ack.body.acknowledged_at).not.toBeNull();

    const again = await h.request('POST', `/api/v1/incidents/${ref}/acknowledge`, { token: RESPONDER_TOKEN, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already acknowledged');

    const resolved = await h.request('POST', `/api/v1/incidents/${ref}/resolve`, { body: { note: 'rolled back' } });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolved_by: 'user:alice' });

    const detail = await h.request('GET', `/api/v1/incidents/${ref}`);
    const events = detail.body.timeline.map((e: any) => [e.kind, e.actor]);
    expect(events).toEqual(expect.arrayContaining([['status.acknowledged', 'user:bob'], ['status.resolved', 'user:alice']]));
    expect(detail.body.timeline.find((e: any) => e.kind === 'status.resolved').summary).toContain('rolled back');
    expect(detail.body.alerts[0].status).toBe('resolved');

    const audit = (await auditActions()).filter((a) => a.target_id === detail.body.incident.id);
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['incident.acknowledge', 'user:bob'], ['incident.resolve', 'user:alice']]);
  });

  it('moves through working statuses, and reopen restarts the lifecycle', async () => {
    const ref = await fire('Phases');
    for (const status of ['investigating', 'identified', 'containing', 'recovering', 'monitoring']) {
      const reply = await h.request('POST', `/api/v1/incidents/${ref}/status`, { body: { status } });
      expect(reply.body.status).toBe(status);
    }
    expect((await h.request('POST', `/api/v1/incidents/${ref}/status`, { body: { status: 'closed' } })).status).toBe(400);
    await h.request('POST', `/api/v1/incidents/${ref}/resolve`, { body: {} });
    const reopened = await h.request('POST', `/api/v1/incidents/${ref}/reopen`, { body: { note: 'came back' } });
    expect(reopened.body).toMatchObject({ status: 'triggered', resolved_at: null, acknowledged_at: null });
  });

  it('assigns, changes severity (which then sticks) and adds notes', async () => {
    const ref = await fire('Assignable', { severity: 'warning' });
    expect((await h.request('POST', `/api/v1/incidents/${ref}/assign`, { body: { user_id: 'bob' } })).body.assignee_user_id).toBe('bob');
    expect((await h.request('POST', `/api/v1/incidents/${ref}/assign`, { body: { user_id: 'nobody' } })).status).toBe(404);
    const sev = await h.request('POST', `/api/v1/incidents/${ref}/severity`, { body: { severity: 'P3', reason: 'test env' } });
    expect(sev.body).toMatchObject({ severity: 'P3', priority_score: 40 + 20 });
    // A critical alert joining later does not override the person's choice.
    await fire('Assignable', { severity: 'critical', instance: 'other' });
    expect((await h.request('GET', `/api/v1/incidents/${ref}`)).body.incident.severity).toBe('P3');
    expect((await h.request('POST', `/api/v1/incidents/${ref}/notes`, { body: { text: '  ' } })).status).toBe(400);
    expect((await h.request('POST', `/api/v1/incidents/${ref}/notes`, { body: { text: 'DB failover done' } })).status).toBe(201);
    const timeline = (await h.request('GET', `/api/v1/incidents/${ref}/timeline`)).body.items;
    expect(timeline.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['assigned', 'severity.changed', 'note']));
  });

  it('declares an incident by hand with an SLA from its severity', async () => {
    const reply = await h.request('POST', '/api/v1/incidents', { body: { title: 'Customers report failed payments', severity: 'P0', service_id: 'checkout', impact: 'all_users' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ source: 'manual', severity: 'P0', status: 'triggered', priority_score: 150, response_sla_ms: 300_000 });
    expect(new Date(reply.body.sla_due_at).getTime() - new Date(reply.body.created_at).getTime()).toBe(300_000);
    const bad = await h.request('POST', '/api/v1/incidents', { body: { title: 'x', severity: 'P9' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('severity');
    expect((await h.request('POST', '/api/v1/incidents', { body: { title: 'x', severity: 'P1', service_id: 'ghost' } })).status).toBe(404);
  });

  it('answers 404 for unknown incidents and 400 for bad action bodies', async () => {
    expect((await h.request('POST', '/api/v1/incidents/INC-999999/acknowledge', { body: {} })).status).toBe(404);
    expect((await h.request('GET', '/api/v1/incidents/not-a-ref')).status).toBe(404);
    const bad = await h.request('POST', `/api/v1/incidents/${await fire('BadBody')}/status`, { body: { status: 'sleeping' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toContain('status');
  });
});

describe('listing', () => {
  it('filters by status, severity and service, and pages with a cursor', async () => {
    for (let i = 0; i < 5; i += 1) await fire(`Paged${i}`);
    const open = await h.request('GET', '/api/v1/incidents?status=open&service=checkout&severity=P0,P1&limit=2');
    expect(open.status).toBe(200);
    expect(open.body.items).toHaveLength(2);
    expect(open.body.items.every((i: any) => ['P0', 'P1'].includes(i.severity) && i.service_id === 'checkout')).toBe(true);
    const next = await h.request('GET', `/api/v1/incidents?status=open&service=checkout&severity=P0,P1&limit=2&cursor=${open.body.next_cursor}`);
    expect(next.body.items[0].number).toBeLessThan(open.body.items[1].number);
    expect((await h.request('GET', '/api/v1/incidents?status=bogus')).status).toBe(400);
    const mine = await h.request('GET', '/api/v1/incidents?assignee=me', { token: RESPONDER_TOKEN });
    expect(mine.body.items.every((i: any) => i.assignee_user_id === 'bob')).toBe(true);
  });

  it('publishes every route in the OpenAPI document', async () => {
    const doc = await h.request('GET', '/docs/json', { token: null });
    expect(doc.status).toBe(200);
    for (const path of ['/api/v1/incidents', '/api/v1/incidents/{id}/acknowledge', '/v2/enqueue', '/api/v1/integrations/alertmanager/{key}', '/healthz']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });
});
