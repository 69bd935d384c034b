import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CHECKOUT_KEY, RESPONDER_TOKEN } from '../helpers/test-app.js';
import { TWILIO_TOKEN, startScenario, type Scenario } from '../helpers/scenario.js';
import { computeTwilioSignature } from '../../src/providers/sms-voice/index.js';

const SCHEDULE_START = '2026-01-05T00:00';
let h: Scenario;

beforeAll(async () => {
  h = await startScenario(({ twilio, smtp }) => `
settings: { public_url: "http://warroom.test" }
users:
  - { id: alice, name: Alice, phone: "+15551230001", email: alice@example.com, role: admin }
  - { id: bob, name: Bob, phone: "+15551230002", email: bob@example.com }
  - { id: dave, name: Dave, phone: "+15551230004", email: dave@example.com }
  - id: erin
    name: Erin
    phone: "+15551230005"
    email: erin@example.com
    notification_rules:
      high: [{ channel: voice, after: 0m }, { channel: email, after: 10m }]
schedules:
  - id: primary
    name: Primary
    timezone: UTC
    layers: [{ name: weekly, users: [alice], rotation: { every: 1, unit: weeks }, start: "${SCHEDULE_START}" }]
escalation_policies:
  - id: checkout
    name: Checkout
    levels:
      - { targets: [{ schedule: primary }], escalate_after: 15m }
      - { targets: [{ user: bob }], escalate_after: 15m }
  - { id: dave-only, name: Dave, levels: [{ targets: [{ user: dave }] }] }
  - { id: erin-only, name: Erin, levels: [{ targets: [{ user: erin }] }] }
services:
  - id: checkout
    name: Checkout
    escalation_policy: checkout
    integration_keys: [{ key: ${CHECKOUT_KEY} }]
    grouping: { group_by: [alertname, cluster], window: 5m }
  - { id: reports, name: Reports, escalation_policy: dave-only, integration_keys: [{ key: key-reports-0001 }] }
  - { id: billing, name: Billing, escalation_policy: erin-only, integration_keys: [{ key: key-billing-0001 }] }
  - { id: quiet, name: Quiet, escalation_policy: checkout, integration_keys: [{ key: key-quiet-00001 }] }
notifications:
  budgets: { warning: { limit: 2, window: 1h } }
  digest_after: 15m
channels:
  twilio: { account_sid: ${twilio.accountSid}, auth_token: ${TWILIO_TOKEN}, from: "+15550000000", base_url: "${twilio.url}" }
  email: { smtp_url: "${smtp.smtpUrl()}", from: "warroom <oncall@warroom.test>" }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
  - { name: responder, token: ${RESPONDER_TOKEN}, role: responder, user: bob }
`);
});
afterAll(async () => h?.close());

const callsTo = (phone: string) => h.twilio.calls().filter((c) => c.to === phone);
const smsTo = (phone: string) => h.twilio.messages().filter((m) => m.to === phone);

describe('a P0 escalates until someone acknowledges', () => {
  it('pages level 1 at once on IM and phone, level 2 after 5 minutes, and nothing after the ack', async () => {
    const { incident } = await h.alert({ alertname: 'CheckoutDown', cluster: 'prod', severity: 'critical' });
    const opened = await h.request('GET', `/api/v1/incidents/${incident}`);
    expect(opened.body.incident.severity).toBe('P0');

    // Level 1: the on-call person, at once, on IM (the built-in inbox: no chat platform here) and phone.
    const level1 = (await h.pagesFor(incident)).filter((p) => p.user_id === 'alice');
    expect(level1.filter((p) => p.status === 'sent').map((p) => p.channel).sort()).toEqual(['sms', 'voice', 'web']);
    expect(callsTo('+15551230001')).toHaveLength(1);
    expect(callsTo('+15551230001')[0]!.twiml).toContain(`Incident ${incident.replace('INC-', '')}.`);
    expect(smsTo('+15551230001')[0]!.body).toMatch(/Reply \d+a to ack/);
    const inbox = await h.request('GET', '/api/v1/me/inbox', { token: ADMIN_TOKEN });
    expect(inbox.body.items[0].doc).toMatchObject({ incidentRef: incident, severity: 'P0' });

    // Nobody acknowledges: four minutes on, still only level 1.
    await h.advance('4m');
    expect(callsTo('+15551230002')).toHaveLength(0);
    // The P0 policy escalates after 5 minutes (not the level's own 15).
    await h.advance('1m');
    expect(callsTo('+15551230002')).toHaveLength(1);
    const timeline = (await h.request('GET', `/api/v1/incidents/${incident}`)).body.timeline.map((e: any) => e.kind);
    expect(timeline.filter((k: string) => k === 'escalation.level')).toHaveLength(2);

    // Bob acknowledges: escalation stops, and no further page goes out however long we wait.
    const ack = await h.request('POST', `/api/v1/incidents/${incident}/acknowledge`, { token: RESPONDER_TOKEN, body: {} });
    expect(ack.status).toBe(200);
    await h.settle();
    const callsBefore = h.twilio.calls().length;
    const smsBefore = h.twilio.messages().length;
    await h.advance('30m');
    expect(h.twilio.calls()).toHaveLength(callsBefore);
    expect(h.twilio.messages()).toHaveLength(smsBefore);
    const delivery = await h.request('GET', `/api/v1/incidents/${incident}/notifications`);
    expect(delivery.body.escalation).toMatchObject({ state: 'acknowledged', next_step_at: null });
    expect(callsTo('+15551230001')).toHaveLength(1);
  });

  it('acknowledges by SMS reply, verified by the Twilio signature', async () => {
    const { incident } = await h.alert({ alertname: 'PaymentsUnavailable', cluster: 'prod', severity: 'critical' });
    const sms = smsTo('+15551230001').find((m) => m.body.includes(incident))!;
    const code = /Reply (\d+)a/.exec(sms.body)![1];
    const forged = await fetch(`${h.url}/api/v1/inbound/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'Zm9yZ2Vk' },
      body: new URLSearchParams({ From: '+15551230001', Body: `${code}a` }).toString(),
    });
    expect(forged.status).toBe(401);
    expect((await h.request('GET', `/api/v1/incidents/${incident}`)).body.incident.status).toBe('triggered');

    const reply = await h.twilio.sendInboundSms(`${h.url}/api/v1/inbound/twilio/sms`, '+1 (555) 123-0001', `${code}a`);
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain(`${incident} acknowledged`);
    const after = await h.request('GET', `/api/v1/incidents/${incident}`);
    expect(after.body.incident.status).toBe('acknowledged');
    expect(after.body.timeline.find((e: any) => e.kind === 'status.acknowledged').actor).toBe('user:alice');
  });

  it('acknowledges when the callee presses 1 during the voice page', async () => {
    const { incident } = await h.alert({ alertname: 'LedgerDown', cluster: 'prod', severity: 'critical' });
    const call = callsTo('+15551230001').find((c) => c.twiml.includes(`Incident ${incident.replace('INC-', '')}.`))!;
    expect(call.twiml).toContain(`action="http://warroom.test/api/v1/inbound/twilio/voice?incident=${incident}"`);
    const path = `/api/v1/inbound/twilio/voice?incident=${incident}`;
    const params = { CallSid: call.sid, Direction: 'outbound-api', From: '+15550000000', To: '+15551230001', Digits: '1' };
    const post = (signature: string) =>
      fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() });
    expect((await post(computeTwilioSignature(`${h.url}${path}`, params, 'not-the-token'))).status).toBe(401);
    const reply = await post(computeTwilioSignature(`${h.url}${path}`, params, TWILIO_TOKEN));
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain(`<Say>Incident ${incident.replace('INC-', '')} acknowledged. Thank you.</Say>`);
    expect((await h.request('GET', `/api/v1/incidents/${incident}`)).body.incident.status).toBe('acknowledged');
  });
});

describe('noise control', () => {
  it('past the budget, pages wait and go out as one digest', async () => {
    const refs = [];
    for (const name of ['ReportLagA', 'ReportLagB', 'ReportLagC', 'ReportLagD']) {
      refs.push((await h.alert({ alertname: name, severity: 'warning' }, { key: 'key-reports-0001' })).incident);
    }
    const statuses = await Promise.all(refs.map(async (ref) => [...new Set((await h.pagesFor(ref)).map((p) => p.status))]));
    expect(statuses).toEqual([['sent'], ['sent'], ['digested'], ['digested']]);
    const held = (await h.pagesFor(refs[2]!))[0]!;
    expect(held.reason).toMatch(/over budget: 2 pages in 1h \(limit 2\)/);
    const mailsBefore = h.smtp.messages().filter((m) => m.to.includes('dave@example.com')).length;
    await h.advance('15m');
    const digests = h.smtp.messages().filter((m) => m.to.includes('dave@example.com')).slice(mailsBefore);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toContain('2 pages held back');
    expect(digests[0]!.text).toContain(refs[2]);
    expect(digests[0]!.text).toContain(refs[3]);
  });

  it('a silence suppresses pages and says so', async () => {
    const silence = await h.request('POST', '/api/v1/silences', {
      body: { matchers: ['service=quiet', 'severity=~P[0-2]'], ends_at: new Date(h.now().getTime() + 3_600_000).toISOString(), comment: 'planned failover' },
    });
    expect(silence.status).toBe(201);
    const calls = h.twilio.calls().length;
    const { incident } = await h.alert({ alertname: 'QuietDown', severity: 'critical' }, { key: 'key-quiet-00001' });
    const pages = await h.pagesFor(incident);
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((p) => p.status === 'suppressed' && p.reason!.includes('planned failover'))).toBe(true);
    expect(h.twilio.calls()).toHaveLength(calls);
    expect((await h.request('POST', '/api/v1/silences', { body: { matchers: ['service=='], ends_at: new Date().toISOString(), comment: 'x' } })).status).toBe(400);
  });
});

describe('delivery failures', () => {
  it('retries a 503 with backoff, and a permanent error moves to the next channel at once', async () => {
    h.twilio.failNext(1, { status: 503 });
    const { incident } = await h.alert({ alertname: 'BillingDown', severity: 'critical' }, { key: 'key-billing-0001' });
    let voice = (await h.pagesFor(incident)).find((p) => p.channel === 'voice')!;
    expect(voice).toMatchObject({ status: 'retrying' });
    await h.advance('5s');
    voice = (await h.pagesFor(incident)).find((p) => p.channel === 'voice')!;
    expect(voice.status).toBe('sent');
    expect(callsTo('+15551230005')).toHaveLength(1);

    // A 429 waits as long as Twilio asks (60 s), longer than the first backoff step (5 s).
    h.twilio.failNext(1, { status: 429, retryAfter: 60 });
    const limited = await h.alert({ alertname: 'BillingSlowDown', severity: 'critical' }, { key: 'key-billing-0001' });
    const voiceOf = async () => (await h.pagesFor(limited.incident)).find((p) => p.channel === 'voice')!;
    expect(await voiceOf()).toMatchObject({ status: 'retrying' });
    await h.advance('30s');
    expect((await voiceOf()).status).toBe('retrying');
    await h.advance('31s');
    expect((await voiceOf()).status).toBe('sent');

    h.twilio.failNext(1, { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const second = await h.alert({ alertname: 'BillingUnavailable', severity: 'critical' }, { key: 'key-billing-0001' });
    const pages = await h.pagesFor(second.incident);
    expect(pages.find((p) => p.channel === 'voice')).toMatchObject({ status: 'failed' });
    expect(pages.find((p) => p.channel === 'voice')!.reason).toContain('21211');
    // Erin's rules put email 10 minutes later; the failure brings it forward.
    expect(pages.find((p) => p.channel === 'email')).toMatchObject({ status: 'sent' });
    expect(h.smtp.messages().some((m) => m.to.includes('erin@example.com') && m.subject.includes(second.incident))).toBe(true);
  });
});
