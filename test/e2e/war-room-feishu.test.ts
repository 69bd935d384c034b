import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../helpers/test-app.js';
import { startScenario, type Scenario } from '../helpers/scenario.js';
import { waitUntil } from '../helpers/wait-until.js';
import { startFakeFeishu, type FakeFeishu, type FakeFeishuSend } from '../../src/providers/testing/fake-feishu.js';

const VTOKEN = 'vtok-warroom-0001';
const EKEY = 'ekey-warroom-0001';
const DAVE_TOKEN = 'dave-responder-token-01';

let feishu: FakeFeishu;
let h: Scenario;

beforeAll(async () => {
  feishu = await startFakeFeishu({ appId: 'cli_room', appSecret: 'room-app-secret-0001' });
  h = await startScenario(() => `
settings: { public_url: "http://warroom.test" }
users:
  - { id: alice, name: Alice, role: admin, chat: { feishu: ou_alice } }
  - { id: bob, name: Bob, chat: { feishu: ou_bob } }
  - { id: carol, name: Carol, chat: { feishu: ou_carol } }
  - { id: dave, name: Dave, chat: { feishu: ou_dave } }
  - { id: erin, name: Erin, chat: { feishu: ou_erin } }
  - { id: fay, name: Fay, chat: { feishu: ou_fay } }
teams:
  - { id: payments, name: Payments, lead: bob, members: [bob, carol] }
schedules:
  - { id: primary, name: Primary, timezone: UTC, layers: [{ name: weekly, users: [alice], rotation: { every: 1, unit: weeks }, start: "2026-01-05T00:00" }] }
escalation_policies:
  - { id: checkout, name: Checkout, levels: [{ targets: [{ schedule: primary }], escalate_after: 15m }, { targets: [{ user: erin }] }] }
services:
  - id: checkout
    name: Checkout
    owner: bob
    team: payments
    escalation_policy: checkout
    integration_keys: [{ key: key-checkout-0001 }]
    links: { dashboard: "https://grafana.example/d/{service}" }
channels:
  feishu: { app_id: cli_room, app_secret: room-app-secret-0001, domain: "${feishu.url}", verification_token: ${VTOKEN}, encrypt_key: ${EKEY}, timeout_ms: 2000 }
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
  - { name: dave, token: ${DAVE_TOKEN}, role: responder, user: dave }
`);
  // History: Dave fixed this alert before, so he is the expert; a runbook exists for it.
  const past = await h.request('POST', '/api/v1/incidents', { body: { title: 'CheckoutDBPoolExhausted: connection pool exhausted', severity: 'P2', service_id: 'checkout', category: 'data' }, token: DAVE_TOKEN });
  expect(past.status).toBe(201);
  expect((await h.request('POST', `/api/v1/incidents/${past.body.ref}/resolve`, { body: { note: 'raised pool size' }, token: DAVE_TOKEN })).status).toBe(200);
  const kb = await h.request('PUT', '/api/v1/knowledge/checkout-db-pool', { body: { title: '数据库连接池耗尽的排查 (checkout)', body: '检查慢查询，扩大连接池，必要时回滚。', tags: ['mysql', '连接池'], service_ids: ['checkout'] } });
  expect(kb.status).toBe(201);
  await h.settle();
});
afterAll(async () => {
  await h?.close();
  await feishu?.close();
});

const roomChat = () => feishu.chats().find((c) => c.name.startsWith('🚨紧急-'))!;
const roomSends = () => feishu.sends().filter((s) => s.chatId === roomChat()?.chatId);
const text = (send: FakeFeishuSend) => JSON.stringify(send.content);
const incidentStatus = async (ref: string) => (await h.request('GET', `/api/v1/incidents/${ref}`)).body.incident.status as string;
const say = (openId: string, words: string, mentions?: { openId: string; name: string }[]) =>
  feishu.postCallback(`${h.url}/api/v1/chat/feishu/events`, feishu.messageEvent({ openId, chatId: roomChat().chatId, text: words, token: VTOKEN, ...(mentions ? { mentions } : {}) }), { encryptKey: EKEY });

describe('a P0 war room on Feishu, from alert to closed room', () => {
  let ref: string;

  it('opens a room named by severity with the right people, each for a reason', async () => {
    const { incident } = await h.alert({ alertname: 'CheckoutDBPoolExhausted', severity: 'disaster' });
    ref = incident;
    const chat = await waitUntil("the room chat", async () => roomChat(), (c) => Boolean(c));
    expect(chat.name).toBe(`🚨紧急-Checkout-${ref}`);
    expect(new Set(chat.members)).toEqual(new Set(['ou_alice', 'ou_bob', 'ou_carol', 'ou_dave']));
    const room = await h.request('GET', `/api/v1/incidents/${ref}/room`);
    const reasons = Object.fromEntries(room.body.members.map((m: { user_id: string; reasons: string[] }) => [m.user_id, m.reasons.join('; ')]));
    expect(reasons.alice).toMatch(/on call/);
    expect(reasons.bob).toMatch(/owner of Checkout/);
    expect(reasons.carol).toMatch(/team Payments/);
    expect(reasons.dave).toMatch(/worked on INC-1/);
  });

  it('posts the live card, @mentions everyone relevant with reasons, the alert, the runbook and the similar incident', async () => {
    const sends = await waitUntil("four intro posts", async () => roomSends(), (s) => s.length >= 4);
    expect(sends[0]!.msgType).toBe('interactive');
    expect(text(sends[0]!)).toContain('"action":"ack"');
    const mentions = text(sends[1]!);
    for (const who of ['ou_alice', 'ou_bob', 'ou_carol', 'ou_dave']) expect(mentions).toContain(`<at id=${who}></at>`);
    expect(mentions).toContain('on call');
    expect(text(sends[2]!)).toContain('CheckoutDBPoolExhausted');
    const context = text(sends[3]!);
    expect(context).toContain('数据库连接池耗尽的排查');
    expect(context).toContain('INC-1');
    expect(context).toContain('https://grafana.example/d/checkout');
    const room = await h.request('GET', `/api/v1/incidents/${ref}/room`);
    expect(room.body.mentions.filter((m: { suppressed: boolean }) => !m.suppressed)).toHaveLength(4);
  });

  it('records a decision and an action item typed in the room, answering in the room', async () => {
    expect((await say('ou_alice', '/decision 回滚到 v1.2 因为 v1.3 的连接池配置错误 备选: 扩容数据库; 关闭新功能')).status).toBe(200);
    expect((await say('ou_carol', '/action 补充连接池监控 @bob 明天')).status).toBe(200);
    await waitUntil('both answers in the room', async () => roomSends().map(text), (t) => t.some((r) => r.includes('回滚到 v1.2')) && t.some((r) => r.includes('补充连接池监控')));
    const decisions = await h.request('GET', `/api/v1/incidents/${ref}/decisions`);
    expect(decisions.body.items[0]).toMatchObject({ summary: '回滚到 v1.2', rationale: 'v1.3 的连接池配置错误', alternatives: ['扩容数据库', '关闭新功能'] });
    const items = await h.request('GET', `/api/v1/incidents/${ref}/action-items`);
    expect(items.body.items[0]).toMatchObject({ title: '补充连接池监控', assignee_user_id: 'bob' });
  });

  it('posts a status update on the 5-minute cadence and escalates at the check-in when nobody acknowledged', async () => {
    const before = roomSends().length;
    await h.advance('5m');
    await waitUntil('the status update and the check-in', async () => roomSends().slice(before).map(text), (t) => t.some((x) => x.includes('Status update')) && t.some((x) => x.includes('Nobody has acknowledged')));
    // Erin, reached by the escalation, joins the room.
    await waitUntil('erin joins', async () => roomChat().members, (m) => m.includes('ou_erin'));
  });

  it('/invite @someone brings them into the chat, with the reason', async () => {
    expect((await say('ou_bob', '/invite @_user_1', [{ openId: 'ou_fay', name: 'Fay' }])).status).toBe(200);
    await waitUntil('fay joins', async () => roomChat().members, (m) => m.includes('ou_fay'));
    const room = await h.request('GET', `/api/v1/incidents/${ref}/room`);
    expect(room.body.members.find((m: { user_id: string }) => m.user_id === 'fay').reasons).toEqual(['invited by Bob']);
    // Another incident's reference is refused inside this room.
    expect((await say('ou_bob', 'resolve INC-1')).status).toBe(200);
    await waitUntil('the refusal in the room', async () => roomSends().map(text), (t) => t.some((x) => x.includes('This room is about another incident')));
  });

  it('the Acknowledge button acknowledges; typing 解决 resolves', async () => {
    const card = roomSends()[0]!;
    const press = await feishu.postCallback(`${h.url}/api/v1/chat/feishu/events`, feishu.cardAction({ openId: 'ou_alice', messageId: card.messageId, chatId: roomChat().chatId, action: 'ack', incident: ref, token: VTOKEN }), { encryptKey: EKEY });
    expect(press.body).toMatchObject({ toast: { type: 'success' } });
    expect(await incidentStatus(ref)).toBe('acknowledged');
    await h.advance('2m');
    expect((await say('ou_bob', '解决')).status).toBe(200);
    expect(await incidentStatus(ref)).toBe('resolved');
  });

  it('posts the summary, then closes the room 5 minutes later', async () => {
    const summary = (await waitUntil('the summary', async () => roomSends().map(text), (t) => t.some((x) => x.includes('Resolved by')))).find((t) => t.includes('Resolved by'));
    expect(summary).toContain('Bob');
    expect(summary).toContain('回滚到 v1.2');
    await h.advance('4m');
    expect(feishu.chat(roomChat().chatId)?.name.startsWith('[closed]')).toBe(false);
    await h.advance('1m');
    const room = await h.request('GET', `/api/v1/incidents/${ref}/room`);
    expect(room.body.rooms.map((r: { provider: string; status: string }) => [r.provider, r.status]).sort()).toEqual([['feishu', 'closed'], ['web', 'closed']]);
    expect(feishu.chats().some((c) => c.name === `[closed] 🚨紧急-Checkout-${ref}`)).toBe(true);
  });
});
