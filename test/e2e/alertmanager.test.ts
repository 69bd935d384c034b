import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type PostableAlert, type RunningAlertmanager } from '../helpers/alertmanager.js';
import { CHECKOUT_KEY, startTestApp, type TestApp } from '../helpers/test-app.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * A real Alertmanager (the Debian package) whose webhook receiver is warroom. Nothing here builds a
 * webhook payload by hand: warroom must understand what Alertmanager really sends, when it sends it.
 * The two steps share one Alertmanager and one incident, and run in order.
 */

interface IncidentSummary { id: string; ref: string; status: string; alert_count: number; open_alert_count: number }
interface AlertRow { fingerprint: string; status: string; labels: Record<string, string>; count: number; ends_at: string | null; group_reason: string }
interface TimelineEvent { kind: string; summary: string; data: Record<string, unknown> }
interface IncidentDetail { incident: IncidentSummary; alerts: AlertRow[]; timeline: TimelineEvent[] }

// One problem (alertname + cluster) seen on two instances: one incident, two alerts.
const LATENCY = { alertname: 'CheckoutHighLatency', cluster: 'prod-eu', service: 'checkout', severity: 'critical' };
const WEB_1 = { ...LATENCY, instance: 'web-1:9100' };
const WEB_2 = { ...LATENCY, instance: 'web-2:9100' };
const STARTED = new Date(Date.now() - 60_000).toISOString();

const firing = (labels: Record<string, string>): PostableAlert => ({
  labels,
  annotations: { summary: `p99 latency above 2s on ${labels.instance}` },
  startsAt: STARTED,
  generatorURL: 'http://prometheus.test:9090/graph?g0.expr=checkout_latency_p99',
});
// An endsAt in the past is how Prometheus tells Alertmanager an alert has stopped firing.
const resolved = (labels: Record<string, string>, endsAt: string): PostableAlert => ({ ...firing(labels), endsAt });

describe('a real Alertmanager feeding warroom', () => {
  let app: TestApp;
  let alertmanager: RunningAlertmanager;
  let incidentRef: string | undefined;

  beforeAll(async () => {
    app = await startTestApp();
    alertmanager = await startAlertmanager({
      webhookUrl: `${app.url}/api/v1/integrations/alertmanager/${CHECKOUT_KEY}`,
      groupBy: ['alertname', 'cluster'],
    });
  });

  afterEach(({ task }) => {
    // Alertmanager logs failed webhook deliveries; show them when warroom never saw a notification.
    if (task.result?.state === 'fail') console.error(`Alertmanager log:\n${alertmanager?.logs() || '(empty)'}`);
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await app?.close();
  });

  const incidents = async (): Promise<IncidentSummary[]> => {
    const response = await app.request('GET', '/api/v1/incidents?service=checkout');
    expect(response.status).toBe(200);
    return response.body.items;
  };
  const incident = async (ref: string): Promise<IncidentDetail> => {
    const response = await app.request('GET', `/api/v1/incidents/${ref}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  it('turns a group of firing alerts into one incident, deduplicating re-notifications', async () => {
    // web-1 fires. It started a minute ago, so Alertmanager skips group_wait and notifies warroom at once.
    await alertmanager.postAlerts([firing(WEB_1)]);
    const [opened] = await waitUntil('warroom opens an incident for web-1', incidents, (list) => list.length === 1);
    expect(opened).toMatchObject({ status: 'triggered', alert_count: 1, open_alert_count: 1 });
    incidentRef = opened!.ref;

    // Prometheus re-sends every firing alert on each evaluation. web-2 joins the group, so
    // Alertmanager re-notifies with the whole group: web-1 again (a duplicate) plus web-2 (new).
    // Re-posting an unchanged group alone would not re-notify until repeat_interval.
    await alertmanager.postAlerts([firing(WEB_1), firing(WEB_2)]);
    const detail = await waitUntil('web-2 joins the incident', () => incident(incidentRef!), (d) => d.alerts.length === 2);

    expect(await incidents()).toHaveLength(1);
    expect(detail.incident).toMatchObject({ ref: incidentRef, status: 'triggered', alert_count: 2, open_alert_count: 2 });
    const byInstance = new Map(detail.alerts.map((a) => [a.labels.instance, a]));
    expect([...byInstance.keys()].sort()).toEqual(['web-1:9100', 'web-2:9100']);
    // Warroom keys alerts by Alertmanager's own fingerprint, so both sides agree on what "the same alert" is.
    const amFingerprints = (await alertmanager.alerts()).map((a) => a.fingerprint).sort();
    expect(detail.alerts.map((a) => a.fingerprint).sort()).toEqual(amFingerprints);
    expect(new Set(amFingerprints).size).toBe(2);
    // web-1 arrived in both notifications: one row whose count went up, not a second row.
    expect(byInstance.get('web-1:9100')!.count).toBeGreaterThanOrEqual(2);
    expect(byInstance.get('web-2:9100')!.count).toBe(1);
    expect(byInstance.get('web-2:9100')!.group_reason).toContain('grouped by alertname="CheckoutHighLatency", cluster="prod-eu"');
    expect(detail.alerts.every((a) => a.status === 'firing')).toBe(true);
  });

  it('auto-resolves the incident once Alertmanager reports every alert resolved', async () => {
    expect(incidentRef, 'needs the incident opened by the previous step').toBeDefined();

    // web-1 recovers: Alertmanager sends web-1 resolved and web-2 still firing. The incident stays open.
    const web1Ended = new Date(Date.now() - 1000).toISOString();
    await alertmanager.postAlerts([resolved(WEB_1, web1Ended), firing(WEB_2)]);
    const partly = await waitUntil('warroom sees web-1 resolved', () => incident(incidentRef!), (d) => d.incident.open_alert_count === 1);
    expect(partly.incident.status).toBe('triggered');
    expect(partly.alerts.find((a) => a.labels.instance === 'web-1:9100')).toMatchObject({ status: 'resolved', ends_at: web1Ended });

    // web-2 recovers too: the last open alert is gone, so warroom resolves the incident itself.
    const web2Ended = new Date(Date.now() - 1000).toISOString();
    await alertmanager.postAlerts([resolved(WEB_2, web2Ended)]);
    const done = await waitUntil('the incident auto-resolves', () => incident(incidentRef!), (d) => d.incident.status === 'resolved');

    expect(done.incident).toMatchObject({ status: 'resolved', alert_count: 2, open_alert_count: 0 });
    expect(done.alerts.map((a) => [a.labels.instance, a.status, a.ends_at]).sort()).toEqual([
      ['web-1:9100', 'resolved', web1Ended],
      ['web-2:9100', 'resolved', web2Ended],
    ]);
    // One timeline event per alert resolution, then the status change that followed them.
    const kinds = done.timeline.map((e) => e.kind);
    const resolutions = done.timeline.filter((e) => e.kind === 'alert.resolved');
    expect(resolutions.map((e) => e.summary).sort()).toEqual([
      'Alert resolved: CheckoutHighLatency: p99 latency above 2s on web-1:9100',
      'Alert resolved: CheckoutHighLatency: p99 latency above 2s on web-2:9100',
    ]);
    expect(kinds.filter((k) => k === 'status.resolved')).toHaveLength(1);
    expect(kinds.lastIndexOf('alert.resolved')).toBeLessThan(kinds.indexOf('status.resolved'));
    expect(await incidents()).toHaveLength(1);
  });
}, 60_000);
