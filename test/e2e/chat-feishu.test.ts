import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CHECKOUT_KEY, alertmanagerPayload, startTestApp, type TestApp } from '../helpers/test-app.js';
import { waitUntil } from '../helpers/wait-until.js';
import { startFakeFeishu, type FakeFeishu, type FakeFeishuSend } from '../../src/providers/testing/fake-feishu.js';

const VERIFICATION_TOKEN = 'vtok-e2e-0001';
const ENCRYPT_KEY = 'encrypt-key-e2e-0001';
const OPS_CHAT = 'oc_ops_room';

let feishu: FakeFeishu;
let h: TestApp;

beforeAll(async () => {
  feishu = await startFakeFeishu({ appId: 'cli_e2e', appSecret: 'e2e-app-secret-0001', chats: [{ chatId: OPS_CHAT, name: 'SRE on call', members: ['ou_alice', 'ou_bob'] }] });
  h = await startTestApp({
    config: `
settings: { public_url: "http://warroom.test" }
users:
  - { id: alice, name: Alice, email: alice@example.com, role: admin, chat: { feishu: ou_alice } }
  - { id: bob, name: Bob, email: bob@example.com, chat: { feishu: ou_bob } }
  - { id: vic, name: Vic, role: viewer, chat: { feishu: ou_vic } }
escalation_policies:
  - { id: checkout, name: Checkout, levels: [{ targets: [{ user: alice }], escalate_after: 15m }, { targets: [{ user: bob }] }] }
services:
  - id: checkout
    name: Checkout
    escalation_policy: checkout
    integration_keys: [{ key: ${CHECKOUT_KEY} }]
    chat_destinations: [{ provider: feishu, target: ${OPS_CHAT} }]
# This story is about pages and announcements; war rooms have their own.
war_rooms: { auto_open: { P0: false, P1: false } }
channels:
  feishu:
    app_id: cli_e2e
    app_secret: e2e-app-secret-0001
    domain: "${feishu.url}"
    verification_token: ${VERIFICATION_TOKEN}
    encrypt_key: ${ENCRYPT_KEY}
    timeout_ms: 2000
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
`,
  });
});
afterAll(async () => {
  await h?.close();
  await feishu?.close();
});

const cardOf = (send: FakeFeishuSend) => send.content as { header: { template: string; title: { content: string } }; elements: unknown[] };
const callbackUrl = () => `${h.url}/api/v1/chat/feishu/events`;
const status = async (ref: string) => (await h.request('GET', `/api/v1/incidents/${ref}`)).body.incident.status as string;

describe('Feishu end to end: a P0 alert, a card with buzz, an Acknowledge button, the card edited in place', () => {
  let ref: string;
  let dm: FakeFeishuSend;
  let announcement: FakeFeishuSend;

  it('pages the on-call person with a red card and a phone buzz, and announces in the service chat with @all', async () => {
    const sent = await h.request('POST', `/api/v1/integrations/alertmanager/${CHECKOUT_KEY}`, {
      token: null,
      body: alertmanagerPayload([{ labels: { alertname: 'CheckoutDown', severity: 'critical', service: 'checkout' }, annotations: { summary: 'Checkout answers 503 to every request' } }]),
    });
    expect(sent.status).toBe(200);
    const sends = await waitUntil('a DM card to alice and a card in the ops chat', async () => feishu.sends(), (s) => s.some((m) => m.receiveId === 'ou_alice') && s.some((m) => m.receiveId === OPS_CHAT));
    dm = sends.find((m) => m.receiveId === 'ou_alice')!;
    announcement = sends.find((m) => m.receiveId === OPS_CHAT)!;
    const incidents = await h.request('GET', '/api/v1/incidents');
    ref = incidents.body.items[0].ref;
    expect(incidents.body.items[0].severity).toBe('P0');

    for (const card of [dm, announcement]) {
      expect(card.msgType).toBe('interactive');
      expect(cardOf(card).header.template).toBe('red');
      expect(cardOf(card).header.title.content).toContain('🚨');
      expect(cardOf(card).header.title.content).toContain(ref);
      expect(JSON.stringify(card.content)).toContain(`"incident":"${ref}"`);
    }
    expect(dm.receiveIdType).toBe('open_id');
    expect(announcement.receiveIdType).toBe('chat_id');
    // P0 mentions everyone and the person on call now, in card syntax.
    expect(JSON.stringify(announcement.content)).toContain('<at id=all></at>');
    expect(JSON.stringify(announcement.content)).toContain('<at id=ou_alice></at>');
    expect(JSON.stringify(announcement.content)).not.toContain('ou_bob');

    const buzz = await waitUntil('the phone buzz', async () => feishu.urgents(), (u) => u.length > 0);
    expect(buzz).toEqual([expect.objectContaining({ messageId: dm.messageId, level: 'phone', userIds: ['ou_alice'] })]);
  });

  it('a forged, tampered or stale callback gets 401 and changes nothing', async () => {
    const press = (eventId: string) => feishu.cardAction({ openId: 'ou_alice', messageId: dm.messageId, chatId: 'oc_dm_alice', action: 'ack', incident: ref, token: VERIFICATION_TOKEN, eventId });
    const forged = await feishu.postCallback(callbackUrl(), press('forged-1'), { encryptKey: ENCRYPT_KEY, signWithKey: 'guessed-key' });
    const tampered = await feishu.postCallback(callbackUrl(), press('tampered-1'), { encryptKey: ENCRYPT_KEY, tamper: true });
    const stale = await feishu.postCallback(callbackUrl(), press('stale-1'), { encryptKey: ENCRYPT_KEY, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await feishu.postCallback(callbackUrl(), press('unsigned-1'), { encryptKey: ENCRYPT_KEY, unsigned: true });
    expect([forged.status, tampered.status, stale.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    const wrongToken = await feishu.postCallback(callbackUrl(), feishu.cardAction({ openId: 'ou_alice', messageId: dm.messageId, chatId: 'oc_dm_alice', action: 'ack', incident: ref, token: 'not-the-token' }), { encryptKey: ENCRYPT_KEY });
    expect(wrongToken.status).toBe(401);
    expect(await status(ref)).toBe('triggered');
  });

  it('a viewer pressing Acknowledge is refused with a toast, and nothing changes', async () => {
    const answer = await feishu.postCallback(callbackUrl(), feishu.cardAction({ openId: 'ou_vic', messageId: announcement.messageId, chatId: OPS_CHAT, action: 'ack', incident: ref, token: VERIFICATION_TOKEN }), { encryptKey: ENCRYPT_KEY });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ toast: { type: 'error' } });
    expect(await status(ref)).toBe('triggered');
  });

  it('a correctly signed, encrypted Acknowledge acknowledges, and both cards are patched in place, not posted again', async () => {
    const postsBefore = feishu.sends().length;
    const envelope = feishu.cardAction({ openId: 'ou_alice', messageId: dm.messageId, chatId: 'oc_dm_alice', action: 'ack', incident: ref, token: VERIFICATION_TOKEN, eventId: 'ack-press-1' });
    const answer = await feishu.postCallback(callbackUrl(), envelope, { encryptKey: ENCRYPT_KEY });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ toast: { type: 'success', content: `${ref} acknowledged by Alice.` } });
    expect(await status(ref)).toBe('acknowledged');

    const patches = await waitUntil('both cards patched', async () => feishu.patches(), (p) => [dm.messageId, announcement.messageId].every((id) => p.some((e) => e.messageId === id)));
    for (const id of [dm.messageId, announcement.messageId]) {
      const patch = JSON.stringify(patches.find((p) => p.messageId === id)!.content);
      expect(patch).toContain('acknowledged');
      expect(patch).not.toContain('"action":"ack"');
      expect(patch).toContain('"action":"resolve"');
    }
    expect(feishu.sends().length).toBe(postsBefore);

    // The same press delivered again (Feishu re-pushes unanswered events) does nothing more.
    const again = await feishu.postCallback(callbackUrl(), envelope, { encryptKey: ENCRYPT_KEY });
    expect(again.status).toBe(200);
    const audit = await h.request('GET', `/api/v1/audit?target_type=incident&limit=50`, { token: ADMIN_TOKEN });
    expect(audit.body.items.filter((a: { action: string }) => a.action === 'incident.acknowledge')).toHaveLength(1);
  });

  it('changes made in quick succession fold into one edit per card', async () => {
    const patchesBefore = feishu.patches().length;
    expect((await h.request('POST', `/api/v1/incidents/${ref}/severity`, { body: { severity: 'P1', reason: 'only EU affected' } })).status).toBe(200);
    expect((await h.request('POST', `/api/v1/incidents/${ref}/resolve`, { body: { note: 'rolled back' } })).status).toBe(200);
    const patches = await waitUntil('one more patch per card', async () => feishu.patches().slice(patchesBefore), (p) => p.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const later = feishu.patches().slice(patchesBefore);
    expect(later).toHaveLength(2);
    expect(later.map((p) => p.messageId).sort()).toEqual([dm.messageId, announcement.messageId].sort());
    for (const patch of patches) {
      const card = patch.content as { header: { template: string } };
      expect(card.header.template).toBe('orange');
      expect(JSON.stringify(card)).toContain('resolved');
      expect(JSON.stringify(card)).not.toContain('"action":"resolve"');
    }
  });

  it('the escalation stopped: bob is never paged', async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(feishu.sends().some((m) => m.receiveId === 'ou_bob')).toBe(false);
    expect(feishu.rateViolations()).toEqual([]);
  });
});
