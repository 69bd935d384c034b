import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKOUT_KEY, alertmanagerPayload, startTestApp, type TestApp } from '../../test/helpers/test-app.js';

let h: TestApp;
beforeAll(async () => {
  h = await startTestApp();
});
afterAll(async () => h?.close());

const countAlerts = async () => Number((await h.db.db.selectFrom('alerts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const countIncidents = async () => Number((await h.db.db.selectFrom('incidents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

const ENDPOINTS = [
  `/api/v1/integrations/alertmanager/${CHECKOUT_KEY}`,
  `/api/v1/integrations/grafana/${CHECKOUT_KEY}`,
  `/api/v1/integrations/generic/${CHECKOUT_KEY}`,
  '/v2/enqueue',
];

describe('bad input on every ingest endpoint', () => {
  it.each(ENDPOINTS)('%s: malformed JSON is a 400 that stores nothing', async (path) => {
    const before = await countAlerts();
    const reply = await h.request('POST', path, { raw: '{"version": "4", "alerts": [', token: null });
    expect(reply.status).toBe(400);
    expect(reply.body.error ?? reply.body.status).toMatch(/invalid/);
    expect(await countAlerts()).toBe(before);
  });

  it.each(ENDPOINTS)('%s: a body over 1 MiB is a 413', async (path) => {
    const huge = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) });
    const reply = await h.request('POST', path, { raw: huge, token: null });
    expect(reply.status).toBe(413);
    expect(reply.body.message).toMatch(/1 MiB/);
  });

  it('alertmanager: a wrong shape is a 400 naming the field', async () => {
    const payload = alertmanagerPayload([{ labels: { alertname: 'X' } }]) as any;
    payload.alerts[0].status = 'burning';
    const reply = await h.request('POST', ENDPOINTS[0]!, { body: payload, token: null });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('alerts[0].status');
  });

  it('alertmanager: an unsupported webhook version is a 400 that says so', async () => {
    const reply = await h.request('POST', ENDPOINTS[0]!, { body: { ...alertmanagerPayload([{ labels: { alertname: 'X' } }]), version: '3' }, token: null });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/version/);
  });

  it('grafana: a payload that is neither unified nor legacy is a 400 naming a field', async () => {
    const reply = await h.request('POST', ENDPOINTS[1]!, { body: { hello: 'world' }, token: null });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/title|ruleName|state/);
  });

  it('generic: a missing mapped title is a 400 naming the mapped path', async () => {
    const reply = await h.request('POST', ENDPOINTS[2]!, { body: { event: { state: 'firing' } }, token: null });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('event.title');
  });

  it('pagerduty: a wrong shape is a 400 in PagerDuty\'s own error format', async () => {
    const reply = await h.request('POST', '/v2/enqueue', { body: { routing_key: CHECKOUT_KEY, event_action: 'trigger' }, token: null });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect(reply.body.errors.join(' ')).toContain('payload');
  });

  it.each([
    ['alertmanager', `/api/v1/integrations/alertmanager/no-such-key`, alertmanagerPayload([{ labels: { alertname: 'X' } }])],
    ['grafana', `/api/v1/integrations/grafana/no-such-key`, alertmanagerPayload([{ labels: { alertname: 'X' } }])],
    ['generic', `/api/v1/integrations/generic/no-such-key`, { title: 'x' }],
    ['pagerduty', '/v2/enqueue', { routing_key: 'no-such-key', event_action: 'trigger', payload: { summary: 's', source: 'h', severity: 'info' } }],
  ])('%s: an unknown integration key is a 404 that stores nothing', async (_name, path, body) => {
    const before = await countIncidents();
    const reply = await h.request('POST', path, { body, token: null });
    expect(reply.status).toBe(404);
    expect(await countIncidents()).toBe(before);
  });

  it('keeps serving after a burst of bad requests', async () => {
    await Promise.all(Array.from({ length: 50 }, () => h.request('POST', ENDPOINTS[0]!, { raw: 'not json', token: null })));
    const health = await h.request('GET', '/healthz', { token: null });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });
});

describe('each source opens incidents', () => {
  it('grafana unified alerting opens an incident and resolves it', async () => {
    const body = { ...alertmanagerPayload([{ labels: { alertname: 'GrafanaHighLatency', cluster: 'g1', severity: 'warning' }, annotations: { summary: 'p99 over 2s' } }]), version: '1', orgId: 1, title: '[FIRING:1]' };
    const fired = await h.request('POST', ENDPOINTS[1]!, { body, token: null });
    expect(fired.status).toBe(200);
    expect(fired.body.results[0]).toMatchObject({ outcome: 'created' });
    const ref = fired.body.results[0].incident;
    const resolvedBody = { ...body, status: 'resolved', alerts: body.alerts.map((a) => ({ ...a, status: 'resolved', endsAt: '2026-01-05T09:30:00Z' })) };
    const resolved = await h.request('POST', ENDPOINTS[1]!, { body: resolvedBody, token: null });
    expect(resolved.body.results[0]).toMatchObject({ outcome: 'resolved', incident: ref });
    const incident = await h.request('GET', `/api/v1/incidents/${ref}`);
    expect(incident.body.incident.status).toBe('resolved');
    expect(incident.body.incident.category).toBe('performance');
  });

  it('grafana legacy alerts: alerting opens, ok resolves', async () => {
    const legacy = { title: '[Alerting] Disk full', ruleId: 7, ruleName: 'Disk full', state: 'alerting', message: 'disk at 97%', tags: { cluster: 'legacy' } };
    const fired = await h.request('POST', ENDPOINTS[1]!, { body: legacy, token: null });
    expect(fired.body.results[0].outcome).toBe('created');
    const ok = await h.request('POST', ENDPOINTS[1]!, { body: { ...legacy, state: 'ok' }, token: null });
    expect(ok.body.results[0].outcome).toBe('resolved');
  });

  it('generic JSON uses the service field mapping and dedups by the mapped id', async () => {
    const event = { event: { id: 'evt-1', title: 'Queue backlog growing', state: 'firing', level: 'critical', tags: { queue: 'orders' } } };
    const first = await h.request('POST', ENDPOINTS[2]!, { body: event, token: null });
    const second = await h.request('POST', ENDPOINTS[2]!, { body: event, token: null });
    expect(first.body.results[0].outcome).toBe('created');
    expect(second.body.results[0]).toMatchObject({ outcome: 'deduplicated', incident: first.body.results[0].incident });
    const incident = await h.request('GET', `/api/v1/incidents/${first.body.results[0].incident}`);
    expect(incident.body.incident.severity).toBe('P1');
    expect(incident.body.alerts[0]).toMatchObject({ count: 2, labels: { queue: 'orders' } });
    const resolved = await h.request('POST', ENDPOINTS[2]!, { body: { event: { ...event.event, state: 'OK' } }, token: null });
    expect(resolved.body.results[0].outcome).toBe('resolved');
  });

  it('pagerduty: trigger, acknowledge and resolve by dedup_key, with PagerDuty\'s reply', async () => {
    const trigger = { routing_key: CHECKOUT_KEY, event_action: 'trigger', dedup_key: 'pd-42', payload: { summary: 'Payment API error rate above 5%', source: 'api-1', severity: 'error', component: 'payments-api' } };
    const reply = await h.request('POST', '/v2/enqueue', { body: trigger, token: null });
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'pd-42' });

    const ack = await h.request('POST', '/v2/enqueue', { body: { routing_key: CHECKOUT_KEY, event_action: 'acknowledge', dedup_key: 'pd-42' }, token: null });
    expect(ack.status).toBe(202);
    const list = await h.request('GET', '/api/v1/incidents?service=checkout&limit=200');
    const incident = list.body.items.find((i: any) => i.title === 'Payment API error rate above 5%');
    expect(incident.status).toBe('acknowledged');

    await h.request('POST', '/v2/enqueue', { body: { routing_key: CHECKOUT_KEY, event_action: 'resolve', dedup_key: 'pd-42' }, token: null });
    const after = await h.request('GET', `/api/v1/incidents/${incident.ref}`);
    expect(after.body.incident.status).toBe('resolved');
  });

  it('pagerduty: a trigger without dedup_key gets a generated one back', async () => {
    const reply = await h.request('POST', '/v2/enqueue', {
      body: { routing_key: CHECKOUT_KEY, event_action: 'trigger', payload: { summary: 'no key', source: 'h', severity: 'info' } },
      token: null,
    });
    expect(reply.status).toBe(202);
    expect(reply.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('counts ingested alerts in /metrics', async () => {
    const metrics = await h.request('GET', '/metrics', { token: null });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/warroom_alerts_received_total\{source="pagerduty",outcome="created"\} [1-9]/);
    expect(metrics.text).toMatch(/warroom_ingest_rejected_total\{source="alertmanager",reason="unknown_key"\} 1/);
  });
});
