import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../kernel/index.js';
import { decodeMessageRef, encodeMessageRef, type MessageDoc, type Recipient } from '../api.js';
import { runChatProviderTestKit, type ChatKitFake } from '../testing/chat-provider-test-kit.js';
import { startFakeWecom, type FakeAppMessage, type FakeWecom } from '../testing/fake-wecom.js';
import { expectNoSecret, kitDoc, runProviderTestKit, type KitFake } from '../testing/provider-test-kit.js';
import { createWecomProvider, idempotencyMarker, renderWecomMarkdown, renderWecomMessage, renderWecomTemplateCard, type WecomConfigInput } from './index.js';

const ROBOT_KEY = 'robot-key-3b7e1c55-9d0a-4f0e-a2b1';
const WRONG_KEY = 'robot-key-wrong-00000000-0000';
const CORP_ID = 'ww6a112864f8022910';
const CORP_SECRET = 'corp-secret-5f4dcc3b5aa765d6e1';
const WRONG_SECRET = 'corp-secret-wrong-000000000000';
const AGENT_ID = 1000002;
const SEND = '/cgi-bin/message/send';
// The fake's tokens all start like this; none may reach an error.
const SECRETS = [ROBOT_KEY, WRONG_KEY, CORP_SECRET, WRONG_SECRET, 'fake-wecom-token'];
let wecom: FakeWecom;

beforeAll(async () => {
  wecom = await startFakeWecom({
    robots: { [ROBOT_KEY]: {} },
    app: { corpId: CORP_ID, corpSecret: CORP_SECRET, agentId: AGENT_ID },
    users: { alice: { mobile: '+8613800000001', email: 'alice@corp.example' }, bob: { personalEmail: 'bob@mail.example' } },
  });
});
afterAll(async () => {
  await wecom.close();
});

const app = (secret = CORP_SECRET) => ({
  corp_id: CORP_ID,
  corp_secret: secret,
  agent_id: AGENT_ID,
  token: 'callbackToken1',
  encoding_aes_key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  base_url: wecom.url,
});
const config = (overrides: Partial<WecomConfigInput> = {}): WecomConfigInput => ({
  robots: { ops: { webhook_url: wecom.robotUrl(ROBOT_KEY) } },
  app: app(),
  timeout_ms: 300,
  ...overrides,
});

const alice: Recipient = {
  userId: 'u-alice',
  name: 'Alice',
  email: 'alice@corp.example',
  phone: '+8613800000001',
  webhookUrl: null,
  timezone: 'Asia/Shanghai',
  chatIds: {},
};
const markerOf = (m: FakeAppMessage) => (m.body.template_card as { source?: { desc?: string } } | undefined)?.source?.desc?.split(' · ')[1];

const chatKitFake = (): ChatKitFake => ({
  retryAfterSupported: false,
  posts: () => wecom.robotMessages(ROBOT_KEY).map((m) => ({ messageId: m.messageId ?? '', chatId: 'ops' })),
  updates: () => [],
  throttleNext: () => wecom.throttleNext(),
  serverErrorNext: () => wecom.serverErrorNext(),
  rejectNext: () => wecom.rejectNext(),
  hangNext: () => wecom.hangNext(),
  reset: () => wecom.reset(),
});

runChatProviderTestKit({
  name: 'wecom robot',
  platform: 'wecom',
  makeProvider: ({ credentials }) =>
    createWecomProvider({ robots: { ops: { webhook_url: wecom.robotUrl(credentials === 'valid' ? ROBOT_KEY : WRONG_KEY) } }, timeout_ms: 300 }),
  fake: chatKitFake,
  target: { kind: 'chat', id: 'ops' },
  secrets: SECRETS,
  render: (doc) => ({ robot: renderWecomMessage(doc, 'robot'), markdown: renderWecomMarkdown(doc), card: renderWecomTemplateCard(doc) }),
  canUpdate: false,
});

// WeCom throttles with errcode 45009 and no hint; faults target message/send so the kit exercises it, not gettoken.
const senderKitFake = (): KitFake => ({
  retryAfterSupported: false,
  deliveries: () =>
    wecom.appMessages().map((m) => ({
      externalId: encodeMessageRef({ platform: 'wecom', chatId: m.touser[0]!, messageId: m.msgid }),
      idempotencyMarker: markerOf(m),
    })),
  throttleNext: () => wecom.throttleNext({ path: SEND }),
  serverErrorNext: () => wecom.serverErrorNext({ path: SEND }),
  rejectNext: () => wecom.rejectNext({ path: SEND }),
  hangNext: () => wecom.hangNext({ path: SEND }),
  reset: () => wecom.reset(),
});

runProviderTestKit({
  name: 'wecom app',
  channel: 'wecom',
  makeProvider: ({ credentials }) => createWecomProvider(config({ robots: undefined, app: app(credentials === 'valid' ? CORP_SECRET : WRONG_SECRET) })),
  fake: senderKitFake,
  // No chatIds.wecom: the kit's "no address" case clears phone and email, so the userid comes from the directory.
  recipient: alice,
  secrets: SECRETS,
});

describe('wecom provider', () => {
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
  const send = (recipient: Recipient, overrides: Partial<WecomConfigInput> = {}, doc: MessageDoc = kitDoc, key = 'k-1') =>
    createWecomProvider(config(overrides)).senders[0]!.send(recipient, doc, { idempotencyKey: key });
  const messenger = (overrides: Partial<WecomConfigInput> = {}) => createWecomProvider(config(overrides)).chat!.messenger!;

  beforeEach(() => wecom.reset());

  it('declares the wecom channel and chat platform', () => {
    const provider = createWecomProvider(config());
    expect(provider.info()).toEqual({ id: 'wecom', displayName: 'WeCom (企业微信)', channels: ['wecom'] });
    expect(provider.senders.map((s) => s.channel)).toEqual(['wecom']);
    expect(provider.chat?.platform).toBe('wecom');
    expect(provider.chat?.updater).toBeUndefined();
    expect(provider.chat?.urgent).toBeUndefined();
  });

  it('pages a person by chatIds.wecom with an app template card and WeCom duplicate check', async () => {
    const { externalId } = await send({ ...alice, chatIds: { wecom: 'alice' } });
    const [message] = wecom.appMessages();
    expect(decodeMessageRef(externalId)).toEqual({ platform: 'wecom', chatId: 'alice', messageId: message!.msgid });
    expect(message!.body).toMatchObject({
      touser: 'alice',
      agentid: AGENT_ID,
      msgtype: 'template_card',
      enable_duplicate_check: 1,
      duplicate_check_interval: 1800,
      template_card: { card_type: 'text_notice', card_action: { type: 1, url: 'https://warroom.example/incidents/7' } },
    });
    expect(markerOf(message!)).toBe(idempotencyMarker('k-1'));
    expect(wecom.requests.map((r) => r.path)).toEqual(['/cgi-bin/gettoken', SEND]);
  });

  it('finds the userid by phone when the person has no chatIds.wecom', async () => {
    await send(alice);
    expect(wecom.requests.map((r) => r.path)).toEqual(['/cgi-bin/gettoken', '/cgi-bin/user/getuserid', SEND]);
    expect(wecom.appMessages()[0]!.touser).toEqual(['alice']);
  });

  it('a resend with the same key is identical, so WeCom drops it; another key is delivered', async () => {
    await send({ ...alice, chatIds: { wecom: 'alice' } }, {}, kitDoc, 'page-1');
    await send({ ...alice, chatIds: { wecom: 'alice' } }, {}, kitDoc, 'page-1');
    await send({ ...alice, chatIds: { wecom: 'alice' } }, {}, kitDoc, 'page-2');
    expect(wecom.appMessages().map((m) => m.duplicate)).toEqual([false, true, false]);
  });

  it('a userid WeCom does not know is a PermanentError (81013)', async () => {
    const error = await failure(send({ ...alice, chatIds: { wecom: 'ghost' } }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('errcode 81013');
    expectNoSecret(error, [...SECRETS, ...wecom.issuedTokens()]);
  });

  it('without the app, pages in the default robot group with an @mention', async () => {
    const robotsOnly = { app: undefined };
    const { externalId } = await send({ ...alice, chatIds: { wecom: 'alice' } }, robotsOnly);
    await send({ ...alice, chatIds: {} }, robotsOnly, kitDoc, 'k-2');
    const [byId, byPhone] = wecom.robotMessages(ROBOT_KEY);
    expect(byId!.body).toMatchObject({ msgtype: 'text', text: { mentioned_list: ['alice'] } });
    // The recipient's "+86" number is @-ed as the bare mainland number WeCom's directory holds.
    expect(byPhone!.body).toMatchObject({ msgtype: 'text', text: { mentioned_mobile_list: ['13800000001'] } });
    expect((byPhone!.body.text as { content: string }).content).toContain(`ref ${idempotencyMarker('k-2')}`);
    expect(decodeMessageRef(externalId)).toEqual({ platform: 'wecom', chatId: 'ops', messageId: byId!.messageId });
    const nobody = await failure(send({ ...alice, phone: null, chatIds: {} }, robotsOnly));
    expect(nobody).toBeInstanceOf(PermanentError);
    expect(wecom.robotMessages()).toHaveLength(2);
  });

  it('posts to a robot: a card for a page, text with mentions, markdown for an update', async () => {
    const chat = messenger();
    const mention = { kind: 'user' as const, userId: 'u-alice', name: 'Alice', chatIds: { wecom: 'alice' }, phone: null };
    await chat.post({ kind: 'chat', id: 'ops' }, kitDoc, { idempotencyKey: 'a' });
    await chat.post({ kind: 'chat', id: 'ops' }, { ...kitDoc, mentions: [mention] }, { idempotencyKey: 'b' });
    const ref = await chat.post({ kind: 'chat', id: 'ops' }, { ...kitDoc, kind: 'update', status: 'acknowledged' }, { idempotencyKey: 'c' });
    expect(wecom.robotMessages(ROBOT_KEY).map((m) => m.msgtype)).toEqual(['template_card', 'text', 'markdown']);
    expect(wecom.robotMessages(ROBOT_KEY).map((m) => m.idempotencyKey)).toEqual(['a', 'b', 'c']);
    expect(ref).toEqual({ platform: 'wecom', chatId: 'ops', messageId: wecom.robotMessages(ROBOT_KEY)[2]!.messageId });
  });

  it('posts markdown into an appchat room and a card to a person', async () => {
    const provider = createWecomProvider(config());
    const { chatId } = await provider.chat!.rooms!.createRoom({ name: 'INC-7 war room', memberIds: ['alice', 'bob'], idempotencyKey: 'room-7' });
    const ref = await provider.chat!.messenger!.post({ kind: 'chat', id: chatId }, { ...kitDoc, kind: 'update' }, { idempotencyKey: 'd' });
    expect(ref.chatId).toBe(chatId);
    expect(wecom.chats()[0]!.messages.map((m) => m.msgtype)).toEqual(['markdown']);
    const direct = await provider.chat!.messenger!.post({ kind: 'user', id: 'bob' }, kitDoc, { idempotencyKey: 'e' });
    expect(direct).toEqual({ platform: 'wecom', chatId: 'bob', messageId: wecom.appMessages()[0]!.msgid });
  });

  it('without the app, a chat that is not a robot is a PermanentError', async () => {
    const error = await failure(messenger({ app: undefined }).post({ kind: 'chat', id: 'wr123' }, kitDoc, { idempotencyKey: 'f' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(wecom.requests).toHaveLength(0);
  });

  it('45009 is retryable after a minute, -1 (busy) and HTTP 503 retryable, 93000 permanent', async () => {
    const chat = messenger();
    wecom.throttleNext();
    wecom.errcodeNext(-1, 'system busy');
    wecom.serverErrorNext();
    const [throttled, busy, down] = [
      await failure(chat.post({ kind: 'chat', id: 'ops' }, kitDoc, { idempotencyKey: 'g' })),
      await failure(chat.post({ kind: 'chat', id: 'ops' }, kitDoc, { idempotencyKey: 'h' })),
      await failure(chat.post({ kind: 'chat', id: 'ops' }, kitDoc, { idempotencyKey: 'i' })),
    ];
    expect(throttled).toBeInstanceOf(RetryableError);
    expect((throttled as RetryableError).retryAfterMs).toBe(60_000);
    expect(busy).toBeInstanceOf(RetryableError);
    expect((down as Error).message).toBe(`wecom ${new URL(wecom.url).host}/cgi-bin/webhook/send (robot ops) answered HTTP 503`);
    const wrongKey = messenger({ robots: { ops: { webhook_url: wecom.robotUrl(WRONG_KEY) } } });
    const gone = await failure(wrongKey.post({ kind: 'chat', id: 'ops' }, kitDoc, { idempotencyKey: 'j' }));
    expect((gone as Error).message).toContain('errcode 93000');
    expectNoSecret(gone, SECRETS);
  });

  it('the fake enforces 20 posts a minute per robot; the 21st is a RetryableError', async () => {
    const chat = messenger();
    for (let i = 0; i < 20; i += 1) await chat.post({ kind: 'chat', id: 'ops' }, { ...kitDoc, kind: 'update' }, { idempotencyKey: `r${i}` });
    const error = await failure(chat.post({ kind: 'chat', id: 'ops' }, kitDoc, { idempotencyKey: 'r20' }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(wecom.rateViolations()).toBe(1);
    expect(wecom.robotMessages()).toHaveLength(20);
  });

  it('spaces robot posts 3 s apart (20/min), app chats and people more tightly', () => {
    const chat = createWecomProvider(config()).chat!;
    expect(chat.rateRule({ kind: 'chat', id: 'ops' })).toEqual({ key: 'wecom:robot:ops', intervalMs: 3000 });
    expect(chat.rateRule({ kind: 'chat', id: 'wr0a1b' })).toEqual({ key: 'wecom:chat:wr0a1b', intervalMs: 200 });
    expect(chat.rateRule({ kind: 'user', id: 'alice' })).toEqual({ key: 'wecom:user:alice', intervalMs: 2000 });
  });

  it('paces a page per person through the app, and against the default robot without it', () => {
    const withApp = createWecomProvider(config()).chat!;
    expect(withApp.pageRateRule?.({ ...alice, chatIds: { wecom: 'alice' } })).toEqual({ key: 'wecom:user:alice', intervalMs: 2000 });
    expect(withApp.pageRateRule?.({ ...alice, chatIds: { wecom: 'alice' } })).toEqual(withApp.rateRule({ kind: 'user', id: 'alice' }));
    // The userid comes from a directory lookup at send time: nothing to key on beforehand.
    expect(withApp.pageRateRule?.(alice)).toBeNull();

    const robotMode = createWecomProvider(config({ app: undefined })).chat!;
    const robotRule = { key: 'wecom:robot:ops', intervalMs: 3000 };
    expect(robotMode.rateRule({ kind: 'chat', id: 'ops' })).toEqual(robotRule);
    expect(robotMode.pageRateRule?.({ ...alice, chatIds: { wecom: 'alice' } })).toEqual(robotRule);
    expect(robotMode.pageRateRule?.(alice)).toEqual(robotRule);

    const twoRobots = createWecomProvider({
      robots: { ops: { webhook_url: wecom.robotUrl(ROBOT_KEY) }, sre: { webhook_url: wecom.robotUrl(WRONG_KEY) } },
      default_robot: 'sre',
      timeout_ms: 300,
    }).chat!;
    expect(twoRobots.pageRateRule?.({ ...alice, chatIds: { wecom: 'alice' } })).toEqual({ key: 'wecom:robot:sre', intervalMs: 3000 });
  });

  it('validates its config without echoing a key or secret', () => {
    const attempts = [
      () => createWecomProvider({}),
      () => createWecomProvider({ robots: { ops: { webhook_url: `https://qyapi.weixin.qq.com/cgi-bin/send?k=${ROBOT_KEY}` } } }),
      () => createWecomProvider({ robots: { ops: { webhook_url: wecom.robotUrl(ROBOT_KEY) } }, default_robot: 'dev' }),
      () => createWecomProvider({ robots: { a: { webhook_url: wecom.robotUrl(ROBOT_KEY) }, b: { webhook_url: wecom.robotUrl(ROBOT_KEY) } } }),
      () => createWecomProvider({ app: { ...app(), encoding_aes_key: `${CORP_SECRET}x` } }),
    ];
    const messages = [
      /at least one robot or the app/,
      /full …\/cgi-bin\/webhook\/send\?key=… URL/,
      /default_robot must name one of robots/,
      /default_robot says which one/,
      /43-character EncodingAESKey/,
    ];
    attempts.forEach((attempt, i) => {
      const error = (() => {
        try {
          attempt();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(String(error)).toMatch(messages[i]!);
      expectNoSecret(error, SECRETS);
    });
  });
});
