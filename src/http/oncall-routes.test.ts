import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ADMIN_TOKEN, RESPONDER_TOKEN, startTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { REPO_ROOT } from '../../test/helpers/server-process.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { withTx } from '../db/database.js';
import { auditEscalations } from '../domain/escalation/index.js';

const CONFIG = `
users:
  - { id: alice, name: Alice, email: alice@example.com, phone: "+15550000001", role: admin }
  - { id: bob, name: Bob, phone: "+15550000002" }
  - { id: nina, name: Nina }
teams:
  - { id: core, name: Core, lead: alice, members: [alice, bob] }
schedules:
  - id: primary
    name: Primary
    team: core
    timezone: Europe/Berlin
    layers:
      - { name: nights, users: [bob], rotation: { every: 1, unit: weeks }, start: "2026-01-05T00:00" }
      - { name: business, users: [alice], rotation: { every: 1, unit: weeks }, start: "2026-01-05T00:00", restrictions: [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }] }
  - id: office-only
    name: Office only
    timezone: UTC
    layers:
      - { name: office, users: [nina], rotation: { every: 1, unit: days }, start: "2026-01-05T00:00", restrictions: [{ days: [mon], start: "09:00", end: "10:00" }] }
escalation_policies:
  - id: main
    name: Main
    levels:
      - { targets: [{ schedule: primary }], escalate_after: 10m }
      - { targets: [{ team: core }], escalate_after: 20m }
    fallback: [{ user: alice }]
services:
  - { id: api, name: API, escalation_policy: main, integration_keys: [{ key: key-oncall-api-01 }] }
  - { id: orphan, name: Orphan, integration_keys: [{ key: key-oncall-orph-1 }] }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
  - { name: responder, token: ${RESPONDER_TOKEN}, role: responder, user: bob }
`;

let h: TestApp;
beforeAll(async () => {
  h = await startTestApp({ config: CONFIG });
});
afterAll(async () => h?.close());

// Monday 2026-03-30 10:00 in Berlin is 08:00Z (CEST, the day after the DST change).
const MONDAY_10_BERLIN = '2026-03-30T08:00:00Z';
const MONDAY_20_BERLIN = '2026-03-30T18:00:00Z';

describe('who is on call', () => {
  it('lists schedules with the team the config gives them', async () => {
    const reply = await h.request('GET', '/api/v1/schedules');
    expect(reply.body.items.map((s: { id: string; team: string | null }) => [s.id, s.team])).toEqual([['office-only', null], ['primary', 'core']]);
  });

  it('answers per time, in the schedule time zone, across the DST change', async () => {
    const day = await h.request('GET', `/api/v1/schedules/primary/oncall?at=${MONDAY_10_BERLIN}`);
    expect(day.body).toMatchObject({ user_ids: ['alice'], source: 'layer', layer: 'business' });
    const night = await h.request('GET', `/api/v1/schedules/primary/oncall?at=${MONDAY_20_BERLIN}`);
    expect(night.body).toMatchObject({ user_ids: ['bob'], layer: 'nights' });
    const all = await h.request('GET', `/api/v1/oncall?at=${MONDAY_10_BERLIN}`);
    expect(all.body.items.map((i: any) => [i.schedule_id, i.user_ids])).toEqual([['office-only', []], ['primary', ['alice']]]);
  });

  it('an override takes the shift and removing it gives it back, both audited', async () => {
    const created = await h.request('POST', '/api/v1/schedules/primary/overrides', {
      token: RESPONDER_TOKEN,
      body: { user_id: 'bob', start: '2026-03-30T07:00:00Z', end: '2026-03-30T09:00:00Z', replaces: 'alice', reason: 'dentist' },
    });
    expect(created.status).toBe(201);
    expect((await h.request('GET', `/api/v1/schedules/primary/oncall?at=${MONDAY_10_BERLIN}`)).body).toMatchObject({ user_ids: ['bob'], source: 'override' });
    expect((await h.request('POST', '/api/v1/schedules/primary/overrides', { body: { user_id: 'bob', start: '2026-03-30T09:00:00Z', end: '2026-03-30T08:00:00Z' } })).status).toBe(400);
    expect((await h.request('DELETE', `/api/v1/schedules/primary/overrides/${created.body.id}`, { token: RESPONDER_TOKEN })).status).toBe(204);
    expect((await h.request('GET', `/api/v1/schedules/primary/oncall?at=${MONDAY_10_BERLIN}`)).body.user_ids).toEqual(['alice']);
    const audit = await h.request('GET', '/api/v1/audit?target_type=schedule');
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['schedule.override.delete', 'schedule.override.create']);
  });

  it('shows segments and coverage gaps for a calendar', async () => {
    const reply = await h.request('GET', '/api/v1/schedules/office-only/timeline?from=2026-03-30T00:00:00Z&days=7');
    expect(reply.body.segments.filter((s: any) => s.user_ids.length)).toEqual([
      expect.objectContaining({ start: '2026-03-30T09:00:00.000Z', end: '2026-03-30T10:00:00.000Z', user_ids: ['nina'] }),
    ]);
    expect(reply.body.gaps).toHaveLength(2);
  });

  it('serves iCal feeds with the token in the query, and refuses them without it', async () => {
    expect((await h.request('GET', '/api/v1/schedules/primary/ical', { token: null })).status).toBe(401);
    const feed = await fetch(`${h.url}/api/v1/schedules/primary/ical?token=${ADMIN_TOKEN}&days=14`);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const text = await feed.text();
    expect(text).toMatch(/^BEGIN:VCALENDAR/);
    expect(text).toContain('SUMMARY:On call: Alice');
    const mine = await fetch(`${h.url}/api/v1/users/bob/ical?token=${ADMIN_TOKEN}`);
    expect((await mine.text()).match(/BEGIN:VEVENT/g)!.length).toBeGreaterThan(1);
    const shifts = await h.request('GET', '/api/v1/users/nina/shifts?from=2026-03-30T00:00:00Z&days=14');
    expect(shifts.body.items).toEqual([
      { schedule_id: 'office-only', start: '2026-03-30T09:00:00.000Z', end: '2026-03-30T10:00:00.000Z' },
      { schedule_id: 'office-only', start: '2026-04-06T09:00:00.000Z', end: '2026-04-06T10:00:00.000Z' },
    ]);
  });
});

describe('escalation tools', () => {
  it('simulates who is paged, when and how, with the same code as the real thing', async () => {
    const sim = await h.request('POST', '/api/v1/simulate', { body: { service: 'api', severity: 'P1', at: MONDAY_10_BERLIN } });
    expect(sim.status).toBe(200);
    expect(sim.body.steps.map((s: any) => [s.label, s.at, s.users.map((u: any) => u.user_id)])).toEqual([
      ['level 1', '2026-03-30T08:00:00.000Z', ['alice']],
      // Level 1 waits its own 10 minutes; P1's policy caps level 2's 20 minutes at 15.
      ['level 2', '2026-03-30T08:10:00.000Z', ['alice', 'bob']],
      ['fallback', '2026-03-30T08:25:00.000Z', ['alice']],
    ]);
    const alice = sim.body.steps[0].users[0];
    expect(alice.reason).toBe('on call in Primary (business)');
    expect(alice.channels.map((c: any) => c.channel)).toEqual(['web']);
    expect(alice.skipped.map((s: any) => s.reason)).toContain('no voice provider is configured');
    expect((await h.request('POST', '/api/v1/simulate', { body: { service: 'api', severity: 'P3' } })).body.note).toContain('record-only');
    expect((await h.request('POST', '/api/v1/simulate', { body: { service: 'nope', severity: 'P1' } })).status).toBe(404);

    const cli = await promisify(execFile)(process.execPath, ['bin/warroom.js', 'simulate', '--service', 'api', '--severity', 'P1', '--at', MONDAY_20_BERLIN, '--url', h.url, '--token', ADMIN_TOKEN], { cwd: REPO_ROOT });
    expect(cli.stdout).toContain('policy main');
    expect(cli.stdout).toMatch(/level 1\n\s+bob: web/);
  });

  it('lints readiness: uncovered schedules, unreachable people, services that page nobody', async () => {
    const lint = await h.request('GET', '/api/v1/lint?days=7');
    const findings = lint.body.findings.map((f: any) => `${f.level} ${f.subject}`);
    expect(findings).toEqual(expect.arrayContaining(['warning schedule office-only', 'warning user alice', 'warning service orphan']));
    expect(lint.body.findings.find((f: any) => f.subject === 'service orphan').message).toContain('page nobody');
  });

  it('lets admins edit a policy through the API, and nobody else', async () => {
    const body = { name: 'Edited', levels: [{ targets: [{ user: 'bob' }], escalate_after_seconds: 60 }] };
    expect((await h.request('PUT', '/api/v1/escalation-policies/api-made', { token: RESPONDER_TOKEN, body })).status).toBe(403);
    const put = await h.request('PUT', '/api/v1/escalation-policies/api-made', { body });
    expect(put.status).toBe(200);
    expect(put.body.levels).toEqual([{ targets: [{ user: 'bob' }], escalate_after: 60_000 }]);
    expect((await h.request('PUT', '/api/v1/escalation-policies/bad', { body: { name: 'x', levels: [{ targets: [{ robot: 'x' }], escalate_after_seconds: 1 }] } })).status).toBe(400);
  });

  it('lists and expires silences', async () => {
    const created = await h.request('POST', '/api/v1/silences', { body: { matchers: ['service=api'], ends_at: new Date(Date.now() + 60_000).toISOString(), comment: 'deploy' } });
    expect((await h.request('GET', '/api/v1/silences')).body.items.map((s: any) => s.id)).toContain(created.body.id);
    expect((await h.request('DELETE', `/api/v1/silences/${created.body.id}`)).status).toBe(204);
    expect((await h.request('DELETE', `/api/v1/silences/${created.body.id}`)).status).toBe(404);
    const bad = await h.request('POST', '/api/v1/silences', { body: { matchers: ['service=~('], ends_at: new Date(Date.now() + 60_000).toISOString(), comment: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('matchers[0]');
  });
});

describe('the escalation auditor', () => {
  it('resumes an escalation whose step job vanished, and says so on the timeline', async () => {
    const declared = await h.request('POST', '/api/v1/incidents', { body: { title: 'Lost step', severity: 'P1', service_id: 'api' } });
    const id = declared.body.id;
    // Wait until level 1 is paged, so the only pending step is level 2's, in the future.
    await waitUntil('level 1 is paged', () => h.db.db.selectFrom('escalations').select('level').where('incident_id', '=', id).execute(), (rows) => rows[0]?.level === 1);
    // Simulate the failure rivals suffer from: the pending step is gone and the deadline has passed.
    await sql`delete from graphile_worker._private_jobs where key = ${`escalation:${id}`}`.execute(h.db.db);
    await h.db.db.updateTable('escalations').set({ next_step_at: new Date(Date.now() - 10 * 60_000) }).where('incident_id', '=', id).execute();
    const report = await withTx(h.db.db, (tx) => auditEscalations(tx, new Date()));
    expect(report.repaired.map((r) => r.incidentId)).toEqual([id]);
    const job = await sql<{ key: string }>`select key from graphile_worker.jobs where key = ${`escalation:${id}`}`.execute(h.db.db);
    expect(job.rows).toHaveLength(1);
    const timeline = (await h.request('GET', `/api/v1/incidents/${id}`)).body.timeline.map((e: any) => e.kind);
    expect(timeline).toContain('escalation.repaired');
    // A second pass finds nothing left to repair.
    expect((await withTx(h.db.db, (tx) => auditEscalations(tx, new Date()))).repaired).toEqual([]);
  });
});
