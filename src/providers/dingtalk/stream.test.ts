import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, ValidationError } from '../../kernel/index.js';
import type { ChatEvent, ChatOutcome } from '../api.js';
import { startFakeDingtalk, type FakeDingtalk } from '../testing/fake-dingtalk.js';
import { createDingtalkProvider, parseDingtalkCardCallback, parseDingtalkRobotMessage, type DingtalkDownstream, type DingtalkStreamClient } from './index.js';
import { TOPIC_CARD, TOPIC_ROBOT, type StreamLog } from './stream.js';

const APP = { client_id: 'dingclientid0001', client_secret: 'app-secret-Zq81sL0pX2' };
const NOW = new Date('2026-01-05T09:00:00Z');
let fake: FakeDingtalk;

beforeAll(async () => {
  fake = await startFakeDingtalk({ robots: {}, clock: new FakeClock(NOW) });
});
afterAll(async () => {
  await fake.close();
});

const robotMessage = (overrides: Record<string, unknown> = {}) => ({
  conversationId: 'cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
  atUsers: [{ dingtalkId: '$:LWCP_v1:$robot' }, { dingtalkId: '$:LWCP_v1:$bob', staffId: 'staff-bob' }],
  chatbotCorpId: 'dinge8a565',
  chatbotUserId: '$:LWCP_v1:$robot',
  msgId: 'msgZ1x2c3v4==',
  senderNick: 'Alice',
  isAdmin: false,
  senderStaffId: 'staff-alice',
  sessionWebhookExpiredTime: NOW.getTime() + 5_400_000,
  createAt: NOW.getTime() - 1000,
  senderCorpId: 'dinge8a565',
  conversationType: '2',
  senderId: '$:LWCP_v1:$alice',
  conversationTitle: 'Ops war room',
  isInAtList: true,
  sessionWebhook: fake.sessionWebhookUrl('session-1'),
  robotCode: 'dingclientid0001',
  msgtype: 'text',
  text: { content: ' ack 7 ' },
  ...overrides,
});

const frame = (topic: string, data: unknown, messageId = 'spe-1'): DingtalkDownstream & { specVersion: string; type: string } => ({
  specVersion: '1.0',
  type: 'CALLBACK',
  headers: { topic, messageId, time: String(NOW.getTime()) },
  data: typeof data === 'string' ? data : JSON.stringify(data),
});

const cardCallback = (params: Record<string, unknown>) => ({
  extension: '{}',
  corpId: 'dinge8a565',
  spaceType: 'IM_GROUP',
  userIdType: 1,
  type: 'actionCallback',
  userId: 'staff-alice',
  content: '{}',
  spaceId: 'cidSpace==',
  outTrackId: 'track-42',
  value: JSON.stringify({ cardPrivateData: { actionIds: ['ack_button'], params } }),
});

describe('parseDingtalkRobotMessage', () => {
  it('turns a group robot message into a ChatEvent', () => {
    expect(parseDingtalkRobotMessage(frame(TOPIC_ROBOT, robotMessage()), NOW)).toEqual({
      type: 'message',
      platform: 'dingtalk',
      eventId: 'msgZ1x2c3v4==',
      chatId: 'cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
      chatType: 'group',
      messageId: 'msgZ1x2c3v4==',
      sender: { ids: ['staff-alice', '$:LWCP_v1:$alice'], name: 'Alice' },
      text: 'ack 7',
      // The robot's own @ is not a mention of a person.
      mentions: [{ ids: ['staff-bob', '$:LWCP_v1:$bob'] }],
      mentionsBot: true,
      at: new Date(NOW.getTime() - 1000),
    });
  });

  it('marks one-to-one chats direct and addressed to the robot', () => {
    const event = parseDingtalkRobotMessage(frame(TOPIC_ROBOT, robotMessage({ conversationType: '1', isInAtList: undefined, atUsers: undefined })), NOW);
    expect(event).toMatchObject({ chatType: 'direct', mentionsBot: true, mentions: [] });
  });

  it('a group message not at the robot does not mention it', () => {
    const event = parseDingtalkRobotMessage(frame(TOPIC_ROBOT, robotMessage({ isInAtList: false, atUsers: [] })), NOW);
    expect(event.type === 'message' && event.mentionsBot).toBe(false);
  });

  it.each([
    ['not JSON', () => '{oops', 'not JSON'],
    ['no msgId', () => robotMessage({ msgId: undefined }), 'msgId'],
    ['an unknown conversationType', () => robotMessage({ conversationType: '3' }), 'conversationType'],
    ['no sender', () => robotMessage({ senderId: undefined, senderStaffId: undefined }), 'no sender'],
  ])('refuses %s with a ValidationError', (_case, build, message) => {
    const data = build();
    expect(() => parseDingtalkRobotMessage(frame(TOPIC_ROBOT, data), NOW)).toThrow(ValidationError);
    expect(() => parseDingtalkRobotMessage(frame(TOPIC_ROBOT, data), NOW)).toThrow(message);
  });
});

describe('parseDingtalkCardCallback', () => {
  it('turns a button callback into an action event', () => {
    expect(parseDingtalkCardCallback(frame(TOPIC_CARD, cardCallback({ action: 'ack', incident: 'INC-7' }), 'spe-card'), NOW)).toEqual({
      type: 'action',
      platform: 'dingtalk',
      eventId: 'spe-card',
      action: 'ack',
      incidentRef: 'INC-7',
      sender: { ids: ['staff-alice'] },
      message: { platform: 'dingtalk', chatId: 'cidSpace==', messageId: 'track-42' },
      at: NOW,
    });
  });

  it.each([
    ['an unknown action', { action: 'delete', incident: 'INC-7' }],
    ['no incident', { action: 'ack' }],
  ])('refuses %s', (_case, params) => {
    expect(() => parseDingtalkCardCallback(frame(TOPIC_CARD, cardCallback(params)), NOW)).toThrow(ValidationError);
  });
});

/** Stands in for DWClient: records listeners, acks and lifecycle calls. */
function fakeStreamClient(token: () => Promise<unknown>) {
  const listeners = new Map<string, (frame: DingtalkDownstream) => unknown>();
  const acks: { messageId: string; result: unknown }[] = [];
  const calls: string[] = [];
  const credentials: { clientId: string; clientSecret: string }[] = [];
  const client: DingtalkStreamClient = {
    registerCallbackListener: (topic, callback) => listeners.set(topic, callback),
    socketCallBackResponse: (messageId, result) => void acks.push({ messageId, result }),
    getAccessToken: () => {
      calls.push('getAccessToken');
      return token();
    },
    connect: async () => void calls.push('connect'),
    disconnect: () => void calls.push('disconnect'),
  };
  const push = async (topic: string, data: DingtalkDownstream) => {
    await listeners.get(topic)!(data);
  };
  return { client, listeners, acks, calls, credentials, push };
}

function recordingLog() {
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (details: Record<string, unknown>, message: string) => void lines.push({ level, details, message });
  const log: StreamLog = { info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

describe('dingtalk stream long connection', () => {
  let clock: FakeClock;
  let stream: ReturnType<typeof fakeStreamClient>;
  let logs: ReturnType<typeof recordingLog>;
  let events: ChatEvent[];
  let outcome: () => Promise<ChatOutcome>;

  const start = async (token: () => Promise<unknown> = async () => fake.sessionAccessToken) => {
    stream = fakeStreamClient(token);
    const provider = createDingtalkProvider(
      { robots: { ops: { webhook_url: fake.webhookUrl('t') } }, app: APP, timeout_ms: 500 },
      {
        clock,
        logger: logs.log,
        replyOrigins: [fake.url],
        streamClientFactory: (credentials) => {
          stream.credentials.push(credentials);
          return stream.client;
        },
      },
    );
    await provider.chat!.longConnection!.start(async (event) => {
      events.push(event);
      return outcome();
    });
    return provider;
  };

  beforeEach(() => {
    fake.reset();
    clock = new FakeClock(NOW);
    logs = recordingLog();
    events = [];
    outcome = async () => ({ ok: true, text: 'INC-7 acknowledged by Alice' });
  });

  it('registers robot and card listeners with the app credentials and connects', async () => {
    const provider = await start();
    expect(stream.credentials).toEqual([{ clientId: APP.client_id, clientSecret: APP.client_secret }]);
    expect([...stream.listeners.keys()]).toEqual([TOPIC_ROBOT, TOPIC_CARD]);
    expect(stream.calls).toEqual(['connect']);
    await provider.close!();
    expect(stream.calls).toEqual(['connect', 'disconnect']);
  });

  it('hands a robot message to warroom, acks it, and posts the answer to the session webhook with the token', async () => {
    await start();
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage(), 'spe-robot'));
    expect(events).toEqual([expect.objectContaining({ type: 'message', text: 'ack 7', eventId: 'msgZ1x2c3v4==' })]);
    expect(stream.acks).toEqual([{ messageId: 'spe-robot', result: {} }]);
    expect(fake.sessionReplies()).toEqual([expect.objectContaining({ session: 'session-1', body: { msgtype: 'text', text: { content: 'INC-7 acknowledged by Alice' } } })]);
    expect(fake.requests.at(-1)?.headers['x-acs-dingtalk-access-token']).toBe(fake.sessionAccessToken);
  });

  it('reuses the access token for an hour', async () => {
    await start();
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage(), 'a'));
    clock.advance(59 * 60_000);
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage({ msgId: 'm2', sessionWebhookExpiredTime: clock.now().getTime() + 60_000 }), 'b'));
    expect(stream.calls.filter((c) => c === 'getAccessToken')).toHaveLength(1);
    clock.advance(2 * 60_000);
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage({ msgId: 'm3', sessionWebhookExpiredTime: clock.now().getTime() + 60_000 }), 'c'));
    expect(stream.calls.filter((c) => c === 'getAccessToken')).toHaveLength(2);
    expect(fake.sessionReplies()).toHaveLength(3);
  });

  it('acks a card callback after warroom handled the action', async () => {
    await start();
    await stream.push(TOPIC_CARD, frame(TOPIC_CARD, cardCallback({ action: 'resolve', incident: 'INC-9' }), 'spe-card'));
    expect(events).toEqual([expect.objectContaining({ type: 'action', action: 'resolve', incidentRef: 'INC-9' })]);
    expect(stream.acks).toEqual([{ messageId: 'spe-card', result: {} }]);
    expect(fake.sessionReplies()).toEqual([]);
  });

  it('does not reply through an expired session webhook, and logs why', async () => {
    await start();
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage({ sessionWebhookExpiredTime: NOW.getTime() - 1 }), 'old'));
    expect(events).toHaveLength(1);
    expect(stream.acks.map((a) => a.messageId)).toEqual(['old']);
    expect(fake.requests).toHaveLength(0);
    expect(logs.lines).toEqual([{ level: 'warn', details: { msgId: 'msgZ1x2c3v4==', reason: 'sessionWebhook expired' }, message: 'dingtalk reply not sent' }]);
  });

  it('never sends the access token to a session webhook outside DingTalk', async () => {
    await start();
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage({ sessionWebhook: 'https://collector.example/robot/sendBySession?session=x' })));
    expect(stream.calls).not.toContain('getAccessToken');
    expect(logs.lines[0]?.details.reason).toBe('sessionWebhook is not a DingTalk URL');
  });

  it('sends nothing back when warroom has nothing to say', async () => {
    outcome = async () => ({ ok: true, text: '  ' });
    await start();
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage()));
    expect(stream.acks).toHaveLength(1);
    expect(fake.requests).toHaveLength(0);
  });

  it('leaves a frame unacked when warroom fails on it, so DingTalk pushes it again', async () => {
    outcome = async () => {
      throw new Error('database unavailable');
    };
    await start();
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage()));
    expect(stream.acks).toEqual([]);
    expect(fake.requests).toHaveLength(0);
    expect(logs.lines[0]).toMatchObject({ level: 'error', details: { eventId: 'msgZ1x2c3v4==', error: 'database unavailable' } });
  });

  it('acks and drops a malformed frame without bothering warroom', async () => {
    await start();
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, '{not json', 'bad-1'));
    await stream.push(TOPIC_CARD, frame(TOPIC_CARD, cardCallback({ action: 'nuke', incident: 'INC-1' }), 'bad-2'));
    expect(events).toEqual([]);
    expect(stream.acks.map((a) => a.messageId)).toEqual(['bad-1', 'bad-2']);
    expect(logs.lines.map((l) => l.message)).toEqual(['dingtalk robot frame ignored', 'dingtalk card callback ignored']);
  });

  it('replies without the token when it cannot be had, and logs no secret from the SDK error', async () => {
    await start(async () => {
      throw new Error(`GET https://oapi.dingtalk.com/gettoken?appkey=${APP.client_id}&appsecret=${APP.client_secret} failed`);
    });
    await stream.push(TOPIC_ROBOT, frame(TOPIC_ROBOT, robotMessage()));
    expect(stream.acks).toHaveLength(1);
    // The fake insists on the token, so this reply is refused, and that is logged too.
    expect(fake.sessionReplies()).toEqual([]);
    expect(logs.lines.map((l) => l.message)).toEqual(['dingtalk access token unavailable; replying without it', 'dingtalk reply refused']);
    expect(JSON.stringify(logs.lines)).not.toContain(APP.client_secret);
  });
});
