import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { InboundRequest, InboundVerifier } from '../api.js';
import { startFakeDingtalk, type FakeDingtalk } from '../testing/fake-dingtalk.js';
import { createDingtalkCallbackVerifier, createDingtalkProvider } from './index.js';

const APP_SECRET = 'app-secret-Zq81sL0pX2-9f8e7d';
const NOW = new Date('2026-01-05T09:00:00Z');
const message = {
  conversationId: 'cidGroup==',
  atUsers: [{ dingtalkId: '$:LWCP_v1:$robot' }],
  chatbotUserId: '$:LWCP_v1:$robot',
  msgId: 'msg-http-1',
  senderNick: '杨xx',
  isAdmin: true,
  senderStaffId: 'user123',
  sessionWebhookExpiredTime: NOW.getTime() + 5_400_000,
  createAt: NOW.getTime() - 500,
  conversationType: '2',
  senderId: '$:LWCP_v1:$Ff09GI',
  conversationTitle: '机器人测试-TEST',
  isInAtList: true,
  sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=xxxxx',
  text: { content: ' 你好' },
  msgtype: 'text',
};
const BODY = JSON.stringify(message);

// Written independently of sign.ts: the documented recipe, step by step.
function documentedSign(timestamp: string, secret: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  mac.update(Buffer.from(timestamp + '\n' + secret, 'utf8'));
  return mac.digest('base64');
}

const request = (headers: Record<string, string | undefined>, body = BODY, now = NOW, method = 'POST'): InboundRequest => ({
  method,
  headers,
  query: {},
  rawBody: Buffer.from(body, 'utf8'),
  now,
});
const signed = (ts = NOW.getTime(), secret = APP_SECRET) => ({ timestamp: String(ts), sign: documentedSign(String(ts), secret), 'content-type': 'application/json' });

describe('dingtalk HTTP callback verifier', () => {
  const verifier = createDingtalkCallbackVerifier(APP_SECRET);

  it('accepts a correctly signed robot message and answers with a text reply', async () => {
    const result = await verifier.handle(request(signed()));
    expect(result.kind).toBe('event');
    if (result.kind !== 'event') return;
    const { timestamp, sign } = signed();
    expect(result.event).toMatchObject({ type: 'message', eventId: `dingtalk-cb:${timestamp}:${sign}`, messageId: 'msg-http-1', chatId: 'cidGroup==', text: '你好', sender: { ids: ['user123', '$:LWCP_v1:$Ff09GI'], name: '杨xx' }, mentionsBot: true, mentions: [] });
    expect(result.reply({ ok: true, text: 'INC-7 acknowledged' })).toEqual({
      status: 200,
      body: { msgtype: 'text', text: { content: 'INC-7 acknowledged' } },
      contentType: 'application/json',
    });
    expect(result.reply({ ok: true, text: '' }).body).toEqual({});
  });

  it('accepts timestamps up to five minutes either side, with headers in any case', async () => {
    for (const skew of [-300_000, 300_000]) {
      expect((await verifier.handle(request(signed(NOW.getTime() + skew)))).kind).toBe('event');
    }
    const { timestamp, sign } = signed();
    expect((await verifier.handle(request({ Timestamp: timestamp, Sign: sign }))).kind).toBe('event');
  });

  it.each([
    ['a forged sign', { ...signed(), sign: documentedSign(String(NOW.getTime()), 'guessed-secret') }, /signature is missing or invalid/],
    ['a sign for another timestamp', { ...signed(), timestamp: String(NOW.getTime() - 1) }, /signature is missing or invalid/],
    ['a stale request (6 minutes old)', signed(NOW.getTime() - 360_000), /outside the 5-minute window/],
    ['a request just over 5 minutes old', signed(NOW.getTime() - 300_001), /outside the 5-minute window/],
    ['a request from the future', signed(NOW.getTime() + 300_001), /outside the 5-minute window/],
    ['a 40-minute-old pair DingTalk itself would still accept', signed(NOW.getTime() - 40 * 60_000), /outside the 5-minute window/],
    ['no sign header', { timestamp: String(NOW.getTime()) }, /missing or invalid/],
    ['no headers at all', {}, /missing or invalid/],
    ['a timestamp in seconds', signed(Math.floor(NOW.getTime() / 1000)), /outside the 5-minute window/],
  ])('refuses %s as UnauthorizedError', async (_case, headers, message) => {
    await expect(async () => verifier.handle(request(headers))).rejects.toThrow(UnauthorizedError);
    await expect(async () => verifier.handle(request(headers))).rejects.toThrow(message);
  });

  it('gives a reused (timestamp, sign) pair the same event id whatever the body, so dedup makes the replay a no-op', async () => {
    const headers = signed(NOW.getTime() - 60_000);
    const first = await verifier.handle(request(headers));
    const forged = JSON.stringify({ ...message, msgId: 'msg-forged-2', text: { content: 'resolve INC-7' }, senderStaffId: 'attacker' });
    const replay = await verifier.handle(request(headers, forged, new Date(NOW.getTime() + 60_000)));
    if (first.kind !== 'event' || replay.kind !== 'event') throw new Error('expected two events');
    expect(replay.event.eventId).toBe(first.event.eventId);
    expect(first.event.eventId).toBe(`dingtalk-cb:${headers.timestamp}:${headers.sign}`);
    // A fresh, legitimately signed callback is a different event.
    const next = await verifier.handle(request(signed(NOW.getTime() - 59_000)));
    if (next.kind !== 'event') throw new Error('expected an event');
    expect(next.event.eventId).not.toBe(first.event.eventId);
  });

  it.each([
    ['a body that is not JSON', '{"msgId":', /not JSON/],
    ['a message without conversationId', JSON.stringify({ ...message, conversationId: undefined }), /conversationId/],
    ['a message without msgId', JSON.stringify({ ...message, msgId: '' }), /msgId/],
  ])('refuses %s, correctly signed, as ValidationError', async (_case, body, text) => {
    await expect(async () => verifier.handle(request(signed(), body))).rejects.toThrow(ValidationError);
    await expect(async () => verifier.handle(request(signed(), body))).rejects.toThrow(text);
  });

  it('checks the signature before looking at the body', async () => {
    await expect(async () => verifier.handle(request({ timestamp: '1', sign: 'x' }, 'garbage'))).rejects.toThrow(UnauthorizedError);
  });

  it('is what the provider exposes as chat.inbound when an app is configured', async () => {
    const provider = createDingtalkProvider({
      robots: { ops: { webhook_url: 'https://oapi.dingtalk.com/robot/send?access_token=abc' } },
      app: { client_id: 'dingclient', client_secret: APP_SECRET },
    });
    expect((await provider.chat!.inbound!.handle(request(signed()))).kind).toBe('event');
    await expect(async () => provider.chat!.inbound!.handle(request(signed(NOW.getTime(), 'other-secret')))).rejects.toThrow(UnauthorizedError);
  });
});

describe('dingtalk HTTP callback over the wire (the fake as DingTalk)', () => {
  let fake: FakeDingtalk;
  let server: Server;
  let target: string;
  const clock = new FakeClock(NOW);

  beforeAll(async () => {
    fake = await startFakeDingtalk({ robots: {}, clock });
    server = await serve(createDingtalkCallbackVerifier(APP_SECRET), clock);
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/dingtalk`;
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a callback signed by the fake is accepted and answered with a text message', async () => {
    const response = await fake.sendRobotCallback(target, APP_SECRET, message);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ msgtype: 'text', text: { content: 'got: 你好' } });
  });

  it('a callback signed with the wrong secret is refused', async () => {
    const response = await fake.sendRobotCallback(target, 'not-the-app-secret', message);
    expect(response.status).toBe(401);
  });
});

/** A minimal HTTP endpoint around the verifier, as the http layer would mount it. */
async function serve(verifier: InboundVerifier, clock: FakeClock): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const result = await verifier.handle({ method: req.method ?? 'GET', headers: req.headers, query: {}, rawBody: Buffer.concat(chunks), now: clock.now() });
        const reply = result.kind === 'event' ? result.reply({ ok: true, text: result.event.type === 'message' ? `got: ${result.event.text}` : 'done' }) : result.reply;
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' }).end(JSON.stringify(reply.body));
      } catch (error) {
        res.writeHead(error instanceof UnauthorizedError ? 401 : 400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
