import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, alertmanagerPayload, startTestApp, type TestApp } from '../helpers/test-app.js';
import { waitUntil } from '../helpers/wait-until.js';
import { blockAction, startFakeSlack, type FakeSlack } from '../../src/providers/testing/fake-slack.js';
import { startFakeDingtalk, type FakeDingtalk } from '../../src/providers/testing/fake-dingtalk.js';
import { encryptedCallback, startFakeWecom, verifyUrl, type FakeWecom } from '../../src/providers/testing/fake-wecom.js';

const SLACK_SECRET = 'slack-signing-secret-e2e-0001';
const DING_TOKEN = 'ding-access-token-e2e';
const DING_SECRET = 'SECe2e0123456789abcdef';
const WECOM_KEY = 'wecom-robot-key-e2e';
const WECOM = { corpId: 'wwe2ecorp0001', corpSecret: 'wecom-corp-secret-e2e', agentId: 1000002, token: 'wecomtoken01', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };

let slack: FakeSlack;
let dingtalk: FakeDingtalk;
let wecom: FakeWecom;
let opsChannel: string;
let h: TestApp;

beforeAll(async () => {
  slack = await startFakeSlack({ signingSecret: SLACK_SECRET });
  opsChannel = slack.seedChannel('ops', ['U0ALICE001', 'U0BOB00002']);
  dingtalk = await startFakeDingtalk({ robots: { [DING_TOKEN]: { secret: DING_SECRET } } });
  wecom = await startFakeWecom({ robots: { [WECOM_KEY]: {} }, app: { corpId: WECOM.corpId, corpSecret: WECOM.corpSecret, agentId: WECOM.agentId }, users: { alice: { mobile: '13800000001' } } });
  h = await startTestApp({
    config: `
users:
  - { id: alice, name: Alice, phone: "+8613800000001", role: admin, chat: { slack: U0ALICE001, dingtalk: alice-ding, wecom: alice } }
  - { id: bob, name: Bob, chat: { slack: U0BOB00002 } }
escalation_policies:
  - { id: alice, name: Alice, levels: [{ targets: [{ user: alice }], escalate_after: 30m }] }
services:
  - { id: web, name: Web, escalation_policy: alice, integration_keys: [{ key: key-web-000001 }], chat_destinations: [{ provider: slack, target: ${opsChannel} }] }
  - { id: ding, name: Ding, integration_keys: [{ key: key-ding-00001 }], chat_destinations: [{ provider: dingtalk, target: oncall }] }
  - { id: wx, name: Wx, integration_keys: [{ key: key-wx-0000001 }], chat_destinations: [{ provider: wecom, target: sre }] }
channels:
  slack: { bot_token: ${slack.botToken}, signing_secret: ${SLACK_SECRET}, api_url: "${slack.apiUrl}", timeout_ms: 2000 }
  dingtalk:
    robots: { oncall: { webhook_url: "${dingtalk.webhookUrl(DING_TOKEN)}", secret: ${DING_SECRET} } }
    timeout_ms: 2000
  wecom:
    robots: { sre: { webhook_url: "${wecom.robotUrl(WECOM_KEY)}" } }
    app: { corp_id: ${WECOM.corpId}, corp_secret: ${WECOM.corpSecret}, agent_id: ${WECOM.agentId}, token: ${WECOM.token}, encoding_aes_key: ${WECOM.encodingAesKey}, base_url: "${wecom.url}" }
    timeout_ms: 2000
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
`,
  });
});
afterAll(async () => {
  await h?.close();
  await Promise.all([slack?.close(), dingtalk?.close(), wecom?.close()]);
});

const alert = (key: string, alertname: string) =>
  h.request('POST', `/api/v1/integrations/alertmanager/${key}`, { token: null, body: alertmanagerPayload([{ labels: { alertname, severity: 'disaster' } }]) });
const incidentOf = async (service: string) => (await h.request('GET', `/api/v1/incidents?service=${service}`)).body.items[0] as { ref: string; status: string };

describe('Slack: the acknowledge round trip', () => {
  it('posts the card, takes a signed button press, and updates the same message', async () => {
    expect((await alert('key-web-000001', 'WebDown')).status).toBe(200);
    const posted = await waitUntil('the card in #ops', async () => slack.messages().filter((m) => m.channel === opsChannel), (m) => m.length === 1);
    const { ref } = await incidentOf('web');
    expect(JSON.stringify(posted[0]!.blocks)).toContain('<!channel>');
    expect(JSON.stringify(posted[0]!.attachments)).toContain('warroom:ack');

    const press = blockAction({ userId: 'U0ALICE001', channelId: opsChannel, ts: posted[0]!.ts, action: 'ack', incident: ref });
    expect((await slack.postInbound(`${h.url}/api/v1/chat/slack/events`, press, { tamper: true })).status).toBe(401);
    expect((await slack.postInbound(`${h.url}/api/v1/chat/slack/events`, press, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect((await incidentOf('web')).status).toBe('triggered');

    const answer = await slack.postInbound(`${h.url}/api/v1/chat/slack/events`, press);
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeLessThan(3000);
    expect((await incidentOf('web')).status).toBe('acknowledged');
    const updates = await waitUntil('chat.update of the card', async () => slack.updates().filter((u) => u.ts === posted[0]!.ts), (u) => u.length === 1);
    expect(JSON.stringify(updates[0]!.body)).toContain('acknowledged');
    expect(JSON.stringify(updates[0]!.body)).not.toContain('warroom:ack');
    expect(slack.messages().filter((m) => m.channel === opsChannel)).toHaveLength(1);
  });
});

describe('DingTalk and WeCom robots', () => {
  it('DingTalk: the announcement passes the robot signature and shape checks and @s everyone for a P0', async () => {
    expect((await alert('key-ding-00001', 'DingDown')).status).toBe(200);
    const accepted = await waitUntil('the robot message', async () => dingtalk.messages(DING_TOKEN), (m) => m.length === 1);
    const { ref } = await incidentOf('ding');
    expect(accepted[0]!.text).toContain(ref);
    expect(accepted[0]!.body).toMatchObject({ at: { isAtAll: true } });
    expect(dingtalk.requests.filter((r) => r.status !== 200 || (r.body as { errcode?: number })?.errcode)).toEqual([]);
  });

  it('WeCom: the announcement passes the robot shape checks', async () => {
    expect((await alert('key-wx-0000001', 'WxDown')).status).toBe(200);
    const accepted = await waitUntil('the robot message', async () => wecom.robotMessages(WECOM_KEY), (m) => m.length === 1);
    expect(JSON.stringify(accepted[0]!.body)).toContain((await incidentOf('wx')).ref);
  });

  it('WeCom app callbacks: the URL check echoes, a typed 确认 from a known person acknowledges, a forged one is refused', async () => {
    const check = verifyUrl({ ...WECOM });
    const echoed = await fetch(`${h.url}/api/v1/chat/wecom/events?${new URLSearchParams(check.query)}`);
    expect(echoed.status).toBe(200);
    expect(await echoed.text()).toBe(check.echo);

    const { ref } = await incidentOf('wx');
    const xml = `<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[alice]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[确认 ${ref}]]></Content><MsgId>7001</MsgId><AgentID>${WECOM.agentId}</AgentID></xml>`;
    const post = (callback: ReturnType<typeof encryptedCallback>) =>
      fetch(`${h.url}/api/v1/chat/wecom/events?${new URLSearchParams(callback.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: callback.body });
    expect((await post(encryptedCallback(xml, { ...WECOM, tamper: 'signature' }))).status).toBe(401);
    expect((await incidentOf('wx')).status).toBe('triggered');
    expect((await post(encryptedCallback(xml, { ...WECOM }))).status).toBe(200);
    expect((await incidentOf('wx')).status).toBe('acknowledged');
  });
});
