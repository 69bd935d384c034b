import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ADMIN_TOKEN, CHECKOUT_KEY, alertmanagerPayload, startTestApp, type TestApp } from '../helpers/test-app.js';
import { waitUntil } from '../helpers/wait-until.js';
import { startFakeFeishu, type FakeFeishu } from '../../src/providers/testing/fake-feishu.js';
import { startFakeTwilio, type FakeTwilio } from '../../src/providers/testing/fake-twilio.js';

const STORM_CHAT = 'oc_storm';
const INCIDENTS = 200;
const TWILIO_TOKEN = 'twilio-auth-token-burst';

let feishu: FakeFeishu;
let twilio: FakeTwilio;
let h: TestApp;

beforeAll(async () => {
  feishu = await startFakeFeishu({ appId: 'cli_burst', appSecret: 'burst-app-secret-01', chats: [{ chatId: STORM_CHAT, name: 'Storm' }] });
  twilio = await startFakeTwilio({ authToken: TWILIO_TOKEN });
  h = await startTestApp({
    config: `
users:
  - { id: olga, name: Olga, phone: "+15551230009", role: admin, notification_rules: { high: [{ channel: voice }] } }
escalation_policies:
  - { id: storm, name: Storm, levels: [{ targets: [{ user: olga }], escalate_after: 30m }] }
services:
  - id: checkout
    name: Checkout
    escalation_policy: storm
    integration_keys: [{ key: ${CHECKOUT_KEY} }]
    chat_destinations: [{ provider: feishu, target: ${STORM_CHAT} }]
notifications:
  budget_exempt: [P0]
war_rooms: { auto_open: { P0: false } }
channels:
  feishu: { app_id: cli_burst, app_secret: burst-app-secret-01, domain: "${feishu.url}", verification_token: vtok-burst-001, timeout_ms: 2000 }
  twilio: { account_sid: ${twilio.accountSid}, auth_token: ${TWILIO_TOKEN}, from: "+15550000000", base_url: "${twilio.url}" }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: olga }
`,
  });
});
afterAll(async () => {
  await h?.close();
  await feishu?.close();
  await twilio?.close();
});

describe(`a burst of ${INCIDENTS} P0 incidents announced in one Feishu chat`, () => {
  it('pages by phone at once, posts every card within the chat limit, and loses none', async () => {
    const alerts = Array.from({ length: INCIDENTS }, (_, i) => ({ labels: { alertname: `Storm${i}`, severity: 'disaster' } }));
    const sent = await h.request('POST', `/api/v1/integrations/alertmanager/${CHECKOUT_KEY}`, { token: null, body: alertmanagerPayload(alerts) });
    expect(sent.status).toBe(200);

    // Phone pages do not queue behind the chat: every voice page is out within seconds.
    await waitUntil(`${INCIDENTS} calls`, async () => twilio.calls().length, (n) => n >= INCIDENTS, { timeoutMs: 30_000 });
    const delays = await sql<{ ms: number }>`
      select extract(epoch from (n.sent_at - i.created_at)) * 1000 as ms
      from notifications n join incidents i on i.id = n.incident_id
      where n.channel = 'voice' and n.status = 'sent'`.execute(h.db.db);
    expect(delays.rows).toHaveLength(INCIDENTS);
    const worstPageMs = Math.max(...delays.rows.map((r) => Number(r.ms)));
    const postedWhenPagesDone = feishu.sends().filter((s) => s.receiveId === STORM_CHAT).length;
    expect(worstPageMs).toBeLessThan(15_000);
    // At 5 messages a second the chat cannot have had them all yet: the pages did not wait for it.
    expect(postedWhenPagesDone).toBeLessThan(INCIDENTS);

    const posts = await waitUntil(`${INCIDENTS} cards in the chat`, async () => feishu.sends().filter((s) => s.receiveId === STORM_CHAT), (s) => s.length >= INCIDENTS, { timeoutMs: 90_000, intervalMs: 500 });
    expect(new Set(posts.map((p) => p.messageId)).size).toBe(INCIDENTS);
    expect(posts.filter((p) => p.duplicate)).toEqual([]);
    // The fake enforces Feishu's 5 messages/s per chat and records every breach.
    expect(feishu.rateViolations()).toEqual([]);
    const spanMs = posts.at(-1)!.at.getTime() - posts[0]!.at.getTime();
    expect(spanMs).toBeGreaterThanOrEqual(((INCIDENTS - 5) / 5) * 1000);

    const announced = await h.db.db.selectFrom('chat_announcements').select(['status']).execute();
    expect(announced.filter((a) => a.status === 'sent')).toHaveLength(INCIDENTS);
  }, 150_000);
});
