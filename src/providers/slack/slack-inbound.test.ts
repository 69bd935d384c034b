import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { ChatEvent, InboundRequest, InboundResult } from '../api.js';
import {
  blockAction,
  eventCallback,
  postInbound,
  signedRequest,
  sslCheck,
  urlVerification,
  type SlackInboundBody,
} from '../testing/fake-slack-inbound.js';
import { createSlackInbound, plainText } from './inbound.js';

const SECRET = 'inbound-signing-secret-0123456789ab';
const NOW = new Date('2026-01-05T09:00:00Z');
const TS = NOW.getTime() / 1000;
const inbound = createSlackInbound({ signingSecret: SECRET });

const request = (body: SlackInboundBody, headers: Record<string, string> = signedRequest(body.rawBody, { signingSecret: SECRET, timestamp: TS }), now = NOW): InboundRequest => ({
  method: 'POST',
  headers: { 'content-type': body.contentType, ...headers },
  query: {},
  rawBody: Buffer.from(body.rawBody),
  now,
});
const handle = (req: InboundRequest) => inbound.handle(req) as InboundResult;
const eventOf = (result: InboundResult): ChatEvent => {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${result.kind}`);
  return result.event;
};
const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('slack inbound: handshakes', () => {
  it('answers url_verification with the challenge as JSON', () => {
    expect(handle(request(urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P')))).toEqual({
      kind: 'handshake',
      reply: { status: 200, body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' } },
    });
  });

  it('still refuses an unsigned url_verification', () => {
    expect(thrown(() => handle(request(urlVerification('c'), {})))).toBeInstanceOf(UnauthorizedError);
  });

  it('answers the ssl_check probe with an empty 200, as bolt does without verification', () => {
    expect(handle(request(sslCheck(), {}))).toEqual({ kind: 'handshake', reply: { status: 200, body: '', contentType: 'text/plain' } });
  });
});

describe('slack inbound: button clicks', () => {
  const click = blockAction({ userId: 'U0ALICE001', userName: 'alice', channelId: 'C000000042', ts: '1767603500.000100', action: 'ack', incident: 'INC-7', triggerId: '1.2.abc', actionTs: '1767603590.500000' });

  it('turns a warroom:ack click into an action event on the card it came from', () => {
    const result = handle(request(click));
    expect(eventOf(result)).toEqual({
      type: 'action',
      platform: 'slack',
      eventId: 'action:1.2.abc',
      action: 'ack',
      incidentRef: 'INC-7',
      sender: { ids: ['U0ALICE001'], name: 'alice' },
      message: { platform: 'slack', chatId: 'C000000042', messageId: '1767603500.000100' },
      at: new Date('2026-01-05T08:59:50.500Z'),
    });
  });

  it('acks with an empty 200 whatever warroom did (block_actions shows no response body)', () => {
    const result = handle(request(click));
    if (result.kind !== 'event') throw new Error('expected an event');
    expect(result.reply({ ok: true, text: 'Acknowledged by Alice' })).toEqual({ status: 200, body: '', contentType: 'text/plain' });
    expect(result.reply({ ok: false, text: 'Not allowed' })).toEqual({ status: 200, body: '', contentType: 'text/plain' });
  });

  it('reads resolve and escalate, and clicks on buttons inside the colour attachment', () => {
    const resolve = blockAction({ userId: 'U0BOB00002', channelId: 'D0BOB00002', ts: '1.000200', action: 'resolve', incident: 'INC-8', inAttachment: true });
    expect(eventOf(handle(request(resolve)))).toMatchObject({ action: 'resolve', incidentRef: 'INC-8', message: { chatId: 'D0BOB00002', messageId: '1.000200' } });
    const escalate = blockAction({ userId: 'U0BOB00002', channelId: 'C1', ts: '1.000300', action: 'escalate', incident: 'INC-9' });
    expect(eventOf(handle(request(escalate)))).toMatchObject({ action: 'escalate', incidentRef: 'INC-9' });
  });

  it.each([
    ['the view link button', blockAction({ userId: 'U1', channelId: 'C1', ts: '1.1', actionId: 'link:view', incident: 'INC-7' }), 'action link:view is not warroom\'s'],
    ['another app’s button', blockAction({ userId: 'U1', channelId: 'C1', ts: '1.1', actionId: 'approve_button', incident: 'x' }), 'action approve_button is not warroom\'s'],
    ['an unknown warroom action', blockAction({ userId: 'U1', channelId: 'C1', ts: '1.1', action: 'snooze', incident: 'INC-7' }), 'unknown warroom action snooze'],
  ])('ignores %s but still acks it', (_case, body, reason) => {
    expect(handle(request(body))).toEqual({ kind: 'ignored', reason, reply: { status: 200, body: '', contentType: 'text/plain' } });
  });

  it('ignores other interaction types', () => {
    const body = { rawBody: new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission', user: { id: 'U1' } }) }).toString(), contentType: 'application/x-www-form-urlencoded' };
    expect(handle(request(body))).toMatchObject({ kind: 'ignored', reason: 'interaction type view_submission' });
  });
});

describe('slack inbound: messages', () => {
  it('turns a channel message into a message event with mentions taken out', () => {
    const body = eventCallback({ eventId: 'Ev01', userId: 'U0ALICE001', channelId: 'C000000042', text: '<@U0WARROOMB> assign <@U0BOB00002|bob> &amp; check <https://grafana.example/d|dash>', ts: '1767603000.000100', eventTime: 1767603001 });
    expect(eventOf(handle(request(body)))).toEqual({
      type: 'message',
      platform: 'slack',
      eventId: 'Ev01',
      chatId: 'C000000042',
      chatType: 'group',
      messageId: '1767603000.000100',
      sender: { ids: ['U0ALICE001'] },
      text: 'assign & check dash',
      mentions: [{ ids: ['U0BOB00002'], name: 'bob' }],
      mentionsBot: true,
      at: new Date(1767603001 * 1000),
    });
  });

  it('a direct message is direct and does not mention the bot unless it names it', () => {
    const event = eventOf(handle(request(eventCallback({ channelType: 'im', channelId: 'D0ALICE001', text: 'status INC-7' }))));
    expect(event).toMatchObject({ chatType: 'direct', chatId: 'D0ALICE001', text: 'status INC-7', mentions: [], mentionsBot: false });
  });

  it('an app_mention always mentions the bot', () => {
    const event = eventOf(handle(request(eventCallback({ type: 'app_mention', eventId: 'Ev02', text: '<@U0WARROOMB> ack 7' }))));
    expect(event).toMatchObject({ type: 'message', eventId: 'Ev02', chatType: 'group', text: 'ack 7', mentions: [], mentionsBot: true });
  });

  it('a redelivery (X-Slack-Retry-Num) carries the same event id, so warroom can drop it', () => {
    const body = eventCallback({ eventId: 'Ev03', text: 'hi' });
    const first = eventOf(handle(request(body)));
    const retried = eventOf(handle(request(body, { ...signedRequest(body.rawBody, { signingSecret: SECRET, timestamp: TS + 60 }), 'x-slack-retry-num': '1' }, new Date(NOW.getTime() + 60_000))));
    expect(retried.eventId).toBe(first.eventId);
  });

  it('acks events with 200 {}', () => {
    const result = handle(request(eventCallback({ text: 'hi' })));
    if (result.kind !== 'event') throw new Error('expected an event');
    expect(result.reply({ ok: true, text: 'done' })).toEqual({ status: 200, body: {} });
  });

  it.each([
    ['a bot message', eventCallback({ botId: 'B0OTHER', text: 'alert!' }), 'message from a bot'],
    ['the bot’s own message', eventCallback({ userId: 'U0WARROOMB', text: 'card' }), 'message from a bot'],
    ['an edit', eventCallback({ subtype: 'message_changed' }), 'message subtype message_changed'],
    ['a reaction', eventCallback({ type: 'reaction_added' }), 'event type reaction_added'],
  ])('ignores %s', (_case, body, reason) => {
    expect(handle(request(body))).toEqual({ kind: 'ignored', reason, reply: { status: 200, body: {} } });
  });
});

describe('slack inbound: refusals', () => {
  const body = blockAction({ userId: 'U1', channelId: 'C1', ts: '1.1', action: 'ack', incident: 'INC-7' });
  const signed = (options: { timestamp?: number; tamper?: boolean; signingSecret?: string } = {}) =>
    signedRequest(body.rawBody, { signingSecret: SECRET, timestamp: TS, ...options });

  it.each([
    ['a tampered body', request({ ...body, rawBody: body.rawBody.replace('INC-7', 'INC-8') }, signed()), 'signature does not match'],
    ['a bad signature', request(body, signed({ tamper: true })), 'signature does not match'],
    ['another secret', request(body, signed({ signingSecret: 'another-secret-0123456789abcdef' })), 'signature does not match'],
    ['a 6-minute-old timestamp', request(body, signed({ timestamp: TS - 360 })), 'outside the 5-minute replay window'],
    ['a timestamp 6 minutes ahead', request(body, signed({ timestamp: TS + 360 })), 'outside the 5-minute replay window'],
    ['a re-dated timestamp', request(body, { ...signed(), 'x-slack-request-timestamp': String(TS + 1) }), 'signature does not match'],
    ['no signature', request(body, { 'x-slack-request-timestamp': String(TS) }), 'no X-Slack-Signature header'],
    ['no timestamp', request(body, { 'x-slack-signature': signed()['x-slack-signature']! }), 'no X-Slack-Request-Timestamp header'],
    ['a malformed timestamp', request(body, { ...signed(), 'x-slack-request-timestamp': '1.7e9' }), 'timestamp is malformed'],
  ])('refuses %s with UnauthorizedError', (_case, req, reason) => {
    const error = thrown(() => handle(req));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('accepts a timestamp just inside the window on either side', () => {
    expect(handle(request(body, signed({ timestamp: TS - 299 }))).kind).toBe('event');
    expect(handle(request(body, signed({ timestamp: TS + 299 }))).kind).toBe('event');
  });

  const signedBody = (rawBody: string, contentType: string): InboundRequest => request({ rawBody, contentType });
  it.each([
    ['JSON that does not parse', signedBody('{"type":', 'application/json'), 'not valid JSON'],
    ['an event without a type', signedBody('{"event_id":"Ev1"}', 'application/json'), 'slack event: type'],
    ['an event_callback without event_id', signedBody(JSON.stringify({ type: 'event_callback', event: { type: 'message' } }), 'application/json'), 'event_id'],
    ['a message without a channel', signedBody(JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: { type: 'message', user: 'U1', ts: '1.1' } }), 'application/json'), 'channel'],
    ['a payload that is not JSON', signedBody('payload=%7Bnope', 'application/x-www-form-urlencoded'), 'not valid JSON'],
    ['a form without payload', signedBody('foo=bar', 'application/x-www-form-urlencoded'), 'no payload field'],
    ['block_actions without a user', signedBody(new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'warroom:ack', value: 'INC-1' }] }) }).toString(), 'application/x-www-form-urlencoded'), 'user'],
    ['a warroom button without an incident', signedBody(new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'warroom:ack' }] }) }).toString(), 'application/x-www-form-urlencoded'), 'no incident value'],
  ])('refuses %s with ValidationError', (_case, req, reason) => {
    const error = thrown(() => handle(req));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as AppError).status).toBe(400);
    expect((error as Error).message).toContain(reason);
  });
});

describe('plainText', () => {
  it('drops broadcasts and user-group mentions, shows channels by name and unescapes entities', () => {
    expect(plainText('<!here> <!subteam^S123|@oncall> see <#C1|ops> &lt;now&gt;   <mailto:a@b.c|mail> <https://x.example>')).toEqual({
      text: 'see #ops <now> mail https://x.example',
      mentions: [],
    });
  });
});

describe('slack inbound over HTTP, with the fake as Slack', () => {
  let server: Server;
  let url: string;
  const seen: InboundResult[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          const result = inbound.handle({ method: req.method ?? 'POST', headers: req.headers, query: {}, rawBody: Buffer.concat(chunks), now: new Date() }) as InboundResult;
          seen.push(result);
          const reply = result.kind === 'event' ? result.reply({ ok: true, text: 'done' }) : result.reply;
          const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' }).end(text);
        } catch (error) {
          res.writeHead(error instanceof AppError ? error.status : 500).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/slack`;
  });
  afterAll(() => {
    server.close();
  });

  it('acks a signed click with 200 well within 3 s, and refuses stale and forged ones with 401', async () => {
    const click = blockAction({ userId: 'U0ALICE001', channelId: 'C1', ts: '1.000100', action: 'ack', incident: 'INC-7' });
    const ok = await postInbound(url, click, { signingSecret: SECRET });
    expect(ok).toMatchObject({ status: 200, body: '' });
    expect(ok.elapsedMs).toBeLessThan(3000);
    expect(seen.at(-1)).toMatchObject({ kind: 'event', event: { action: 'ack', incidentRef: 'INC-7' } });

    const challenge = await postInbound(url, urlVerification('abc'), { signingSecret: SECRET });
    expect(challenge).toMatchObject({ status: 200, body: '{"challenge":"abc"}' });

    const stale = await postInbound(url, click, { signingSecret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 360 });
    expect(stale.status).toBe(401);
    const forged = await postInbound(url, click, { signingSecret: SECRET, tamper: true });
    expect(forged.status).toBe(401);
    expect(seen).toHaveLength(2);
  });
});
