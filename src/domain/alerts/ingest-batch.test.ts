import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { withTx } from '../../db/database.js';
import { applyConfig, parseConfigText } from '../../config/index.js';
import { changeIncidentStatus, systemActor } from '../incidents/index.js';
import { ServiceCatalog, loadRuntimeSettings, type RuntimeSettings, type ServiceRef } from '../services/index.js';
import { pendingJobs } from '../../queue/index.js';
import { ingestBatch } from './ingest-batch.js';
import { correlateOpenedIncidents } from './correlation.js';
import type { AlertSignal } from './alert-signal.js';

const CONFIG = `
services:
  - { id: web, name: Web, depends_on: [db], integration_keys: [{ key: key-web-000001 }], grouping: { group_by: [alertname, cluster], window: 5m } }
  - { id: db, name: DB, integration_keys: [{ key: key-db-0000001 }] }
  - { id: manual, name: Manual, auto_resolve: false, integration_keys: [{ key: key-manual-0001 }] }
grouping: { group_by: [alertname], window: 5m, flapping: { window: 30m, threshold: 3 } }
correlation: { window: 5m, labels: [component] }
`;

let t: TestDatabase;
let settings: RuntimeSettings;
let services: Record<string, ServiceRef>;
let clock = new Date('2026-03-01T10:00:00Z');

beforeAll(async () => {
  t = await createTestDatabase();
  await applyConfig(t.db, parseConfigText(CONFIG, 'test.yaml'), { dryRun: false, actor: 'test', now: clock });
  settings = await loadRuntimeSettings(t.db);
  const catalog = new ServiceCatalog(t.db, () => settings.grouping);
  services = {
    web: (await catalog.findByIntegrationKey('key-web-000001', 0))!,
    db: (await catalog.findByIntegrationKey('key-db-0000001', 0))!,
    manual: (await catalog.findByIntegrationKey('key-manual-0001', 0))!,
  };
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await sql`truncate incidents, alerts, incident_events, incident_links cascade`.execute(t.db);
  clock = new Date('2026-03-01T10:00:00Z');
});

const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));

function signal(fingerprint: string, labels: Record<string, string>, action: AlertSignal['action'] = 'trigger'): AlertSignal {
  return {
    source: 'alertmanager',
    action,
    fingerprint,
    title: `${labels.alertname ?? 'Alert'} on ${labels.instance ?? '?'}`,
    description: labels.description ?? null,
    labels,
    annotations: { summary: 's' },
    sourceSeverity: labels.severity ?? null,
    startsAt: clock,
    endsAt: action === 'resolve' ? clock : null,
    generatorUrl: null,
  };
}

const ingest = (service: keyof typeof services, ...signals: AlertSignal[]) =>
  withTx(t.db, (tx) => ingestBatch(tx, signals.map((s) => ({ service: services[service]!, signal: s })), settings, clock));

const incident = (ref: string) => t.db.selectFrom('incidents').selectAll().where('number', '=', Number(ref.replace('INC-', ''))).executeTakeFirstOrThrow();
const timelineKinds = async (ref: string) =>
  (await t.db.selectFrom('incident_events').select('kind').where('incident_id', '=', (await incident(ref)).id).orderBy('id').execute()).map((e) => e.kind);

describe('dedup', () => {
  it('a repeat of a firing alert only bumps its count and last-seen time', async () => {
    const [first] = await ingest('web', signal('fp1', { alertname: 'HighCPU', cluster: 'a' }));
    advance(1);
    const [again] = await ingest('web', signal('fp1', { alertname: 'HighCPU', cluster: 'a' }), signal('fp1', { alertname: 'HighCPU', cluster: 'a' }));
    expect(again).toMatchObject({ outcome: 'deduplicated', alertId: first!.alertId, incidentRef: first!.incidentRef });
    const alerts = await t.db.selectFrom('alerts').selectAll().execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ count: 3, last_seen_at: clock });
    expect((await incident(first!.incidentRef!)).alert_count).toBe(1);
  });

  it('duplicates inside one batch fold into the new row', async () => {
    const results = await ingest('web', ...Array.from({ length: 5 }, () => signal('fp2', { alertname: 'X', cluster: 'a' })));
    expect(results.map((r) => r.outcome)).toEqual(['created', 'deduplicated', 'deduplicated', 'deduplicated', 'deduplicated']);
    expect((await t.db.selectFrom('alerts').select('count').executeTakeFirstOrThrow()).count).toBe(5);
  });
});

describe('grouping', () => {
  it('alerts with equal group_by labels within the window share an incident, and say why', async () => {
    const [a] = await ingest('web', signal('fp-a', { alertname: 'HighCPU', cluster: 'a', instance: 'i1' }));
    advance(4);
    const [b] = await ingest('web', signal('fp-b', { alertname: 'HighCPU', cluster: 'a', instance: 'i2' }));
    expect(b!.incidentRef).toBe(a!.incidentRef);
    expect(b!.reason).toBe('grouped by alertname="HighCPU", cluster="a" (within 5m of the last alert)');
    expect(a!.reason).toContain('opened a new incident');
    expect((await incident(a!.incidentRef!)).alert_count).toBe(2);
  });

  it('other group_by values, other services and a lapsed window open separate incidents', async () => {
    const [a] = await ingest('web', signal('g1', { alertname: 'HighCPU', cluster: 'a' }));
    const [b] = await ingest('web', signal('g2', { alertname: 'HighCPU', cluster: 'b' }));
    const [c] = await ingest('db', signal('g3', { alertname: 'HighCPU', cluster: 'a' }));
    advance(6);
    const [d] = await ingest('web', signal('g4', { alertname: 'HighCPU', cluster: 'a', instance: 'late' }));
    expect(new Set([a!.incidentRef, b!.incidentRef, c!.incidentRef, d!.incidentRef]).size).toBe(4);
  });

  it('a higher-severity alert joining raises the incident severity', async () => {
    const [a] = await ingest('web', signal('s1', { alertname: 'Errors', cluster: 'a', severity: 'warning' }));
    expect((await incident(a!.incidentRef!)).severity).toBe('P2');
    await ingest('web', signal('s2', { alertname: 'Errors', cluster: 'a', severity: 'critical', instance: 'x' }));
    expect((await incident(a!.incidentRef!)).severity).toBe('P1');
    expect(await timelineKinds(a!.incidentRef!)).toContain('severity.changed');
  });
});

describe('resolution', () => {
  it('the incident resolves when every alert is resolved', async () => {
    const [a] = await ingest('web', signal('r1', { alertname: 'Down', cluster: 'a' }), signal('r2', { alertname: 'Down', cluster: 'a', instance: '2' }));
    await ingest('web', signal('r1', { alertname: 'Down', cluster: 'a' }, 'resolve'));
    expect((await incident(a!.incidentRef!)).status).toBe('triggered');
    await ingest('web', signal('r2', { alertname: 'Down', cluster: 'a', instance: '2' }, 'resolve'));
    const row = await incident(a!.incidentRef!);
    expect(row).toMatchObject({ status: 'resolved', open_alert_count: 0 });
    expect(await pendingJobs(t.db, `incident-close:${row.id}`)).toHaveLength(1);
  });

  it('a service with auto_resolve off keeps its incident open', async () => {
    const [a] = await ingest('manual', signal('m1', { alertname: 'Disk' }));
    await ingest('manual', signal('m1', { alertname: 'Disk' }, 'resolve'));
    expect((await incident(a!.incidentRef!)).status).toBe('triggered');
  });

  it('a resolve for an unknown fingerprint is ignored and changes nothing', async () => {
    const [r] = await ingest('web', signal('nope', { alertname: 'X' }, 'resolve'));
    expect(r).toMatchObject({ outcome: 'ignored', incidentId: null });
    expect(await t.db.selectFrom('incidents').select('id').execute()).toHaveLength(0);
  });

  it('resolved and fired again in one batch makes a second occurrence in the same incident', async () => {
    const labels = { alertname: 'Blip', cluster: 'a' };
    const results = await ingest('web', signal('b1', labels), signal('b1', labels, 'resolve'), signal('b1', labels));
    expect(results.map((r) => r.outcome)).toEqual(['created', 'resolved', 'created']);
    expect(results[2]!.incidentRef).toBe(results[0]!.incidentRef);
    const rows = await t.db.selectFrom('alerts').select(['status']).orderBy('created_at').execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['firing', 'resolved']);
  });

  it('a person resolving ends the firing alerts, so a still-firing repeat opens a new incident', async () => {
    const labels = { alertname: 'Stuck', cluster: 'a' };
    const [a] = await ingest('web', signal('p1', labels));
    await withTx(t.db, (tx) => changeIncidentStatus(tx, a!.incidentRef!, { type: 'resolve' }, { now: clock, actor: systemActor, autoCloseAfterMs: 3_600_000 }));
    advance(10);
    const [again] = await ingest('web', signal('p1', labels));
    expect(again!.outcome).toBe('created');
    expect(again!.incidentRef).not.toBe(a!.incidentRef);
  });
});

describe('races inside one batch and with people', () => {
  it('an alert that fires and resolves in one batch leaves its new incident resolved', async () => {
    const labels = { alertname: 'Blink', cluster: 'a' };
    const [fired] = await ingest('web', signal('blink', labels), signal('blink', labels, 'resolve'));
    expect(await incident(fired!.incidentRef!)).toMatchObject({ status: 'resolved', open_alert_count: 0, alert_count: 1 });
  });

  it('resolve then fire of a firing alert in one batch stays in its open incident', async () => {
    const labels = { alertname: 'Twice', cluster: 'a' };
    const [first] = await ingest('web', signal('tw1', labels), signal('tw2', { ...labels, instance: 'b' }));
    const [, again] = await ingest('web', signal('tw1', labels, 'resolve'), signal('tw1', labels));
    expect(again!.incidentRef).toBe(first!.incidentRef);
    expect(await t.db.selectFrom('incidents').select('id').execute()).toHaveLength(1);
  });

  it('a repeat of an alert whose incident was closed meanwhile opens a new incident and ends the stale alert', async () => {
    const labels = { alertname: 'Stale', cluster: 'a' };
    const [first] = await ingest('web', signal('st1', labels));
    // A person's resolve that committed between this batch's reads (the alert row was not yet ended).
    await t.db.updateTable('incidents').set({ status: 'resolved', resolved_at: clock }).where('id', '=', first!.incidentId!).execute();
    advance(10);
    const [repeat] = await ingest('web', signal('st1', labels));
    expect(repeat!.outcome).toBe('created');
    expect(repeat!.incidentRef).not.toBe(first!.incidentRef);
    const rows = await t.db.selectFrom('alerts').select(['incident_id', 'status']).where('fingerprint', '=', 'st1').execute();
    expect(rows.find((r) => r.incident_id === first!.incidentId)!.status).toBe('resolved');
  });
});

describe('flapping guard', () => {
  it('marks a flapping incident and holds its auto-resolve until the alert stays quiet', async () => {
    const labels = { alertname: 'Flappy', cluster: 'a' };
    const cycle = async () => {
      advance(1);
      await ingest('web', signal('f1', labels, 'resolve'));
      advance(1);
      return (await ingest('web', signal('f1', labels)))[0]!;
    };
    await ingest('web', signal('f1', labels));
    const second = await cycle(); // below the threshold: an ordinary new occurrence
    const third = await cycle(); // third firing in 30m: flapping, so the auto-resolved incident reopens
    expect(third.incidentRef).toBe(second.incidentRef);
    expect(third.reason).toMatch(/^flapping: reopened INC-\d+, which resolved 1m ago$/);
    const fourth = await cycle(); // now held open: every re-fire lands in it
    expect(fourth.incidentRef).toBe(second.incidentRef);
    advance(1);
    await ingest('web', signal('f1', labels, 'resolve'));
    const row = await incident(second.incidentRef!);
    expect(row.flapping).toBe(true);
    expect(row.tags).toContain('flapping');
    expect(row.status).not.toBe('resolved');
    expect(await timelineKinds(second.incidentRef!)).toEqual(expect.arrayContaining(['alert.flapping', 'status.triggered', 'incident.settling']));
    expect(await t.db.selectFrom('incidents').select('id').execute()).toHaveLength(2);
    const jobs = await pendingJobs(t.db, `incident-settle:${row.id}`);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.runAt.getTime()).toBe(clock.getTime() + 30 * 60_000);
  });
});

describe('correlation', () => {
  it('links a storm on one service to at most a few recent incidents, not to all of them', async () => {
    const storm = await ingest('web', ...Array.from({ length: 20 }, (_, i) => signal(`storm-${i}`, { alertname: `Storm${i}`, cluster: 'a' })));
    const last = storm[storm.length - 1]!;
    expect(await withTx(t.db, (tx) => correlateOpenedIncidents(tx, [last.incidentId!], settings.correlation, clock))).toBe(5);
    const links = await t.db.selectFrom('incident_links').select('reason').where('incident_id', '=', last.incidentId!).execute();
    expect(links).toHaveLength(5);
    expect(links.every((l) => l.reason.startsWith('same service web'))).toBe(true);
  });

  it('links incidents on the same service, the same component, or a dependency within 5 minutes', async () => {
    // The incident-opened job correlates each new incident, after the ingest transaction.
    const correlate = (id: string) => withTx(t.db, (tx) => correlateOpenedIncidents(tx, [id], settings.correlation, clock));
    const [db] = await ingest('db', signal('c1', { alertname: 'DbDown', component: 'pg-primary' }));
    expect(await correlate(db!.incidentId!)).toBe(0);
    advance(2);
    const [web] = await ingest('web', signal('c2', { alertname: 'Http5xx', cluster: 'a', component: 'pg-primary' }));
    expect(await correlate(web!.incidentId!)).toBe(1);
    const links = await t.db.selectFrom('incident_links').selectAll().where('incident_id', '=', web!.incidentId!).execute();
    expect(links).toHaveLength(1);
    expect(links[0]!.related_id).toBe(db!.incidentId);
    expect(links[0]!.reason).toContain('same component=pg-primary');
    expect(links[0]!.reason).toContain('web depends on db');
    advance(10);
    const [late] = await ingest('db', signal('c3', { alertname: 'Other', component: 'pg-primary' }));
    expect(await correlate(late!.incidentId!)).toBe(0);
    expect(await t.db.selectFrom('incident_links').selectAll().where('incident_id', '=', late!.incidentId!).execute()).toHaveLength(0);
  });
});
