import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { ChatEvent, InboundRequest, InboundResult } from '../api.js';
import {
  callbackRequest,
  cardActionEnvelope,
  challengeBody,
  legacyCardBody,
  messageEventEnvelope,
  type CallbackOptions,
} from '../testing/fake-feishu.js';
import { expectNoSecret } from '../testing/provider-test-kit.js';
import { createFeishuInbound } from './index.js';

const ENCRYPT_KEY = 'inbound-encrypt-key-0b7c';
const TOKEN = 'inbound-verification-token-3d9e';
const SECRETS = [ENCRYPT_KEY, TOKEN];
const now = new Date();
const nowSec = Math.floor(now.getTime() / 1000);
const inbound = createFeishuInbound({ encrypt_key: ENCRYPT_KEY, verification_token: TOKEN });

function request(body: unknown, options: CallbackOptions = {}): InboundRequest {
  const { headers, rawBody } = callbackRequest(body, { encryptKey: ENCRYPT_KEY, timestamp: nowSec, ...options });
  return { method: 'POST', headers, query: {}, rawBody: Buffer.from(rawBody), now };
}
const handle = (req: InboundRequest, verifier = inbound): InboundResult => verifier.handle(req) as InboundResult;
function refusal(req: InboundRequest, verifier = inbound): unknown {
  try {
    verifier.handle(req);
  } catch (error) {
    expectNoSecret(error, SECRETS);
    return error;
  }
  throw new Error('expected the request to be refused');
}
const eventOf = (result: InboundResult): ChatEvent => {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${result.kind}`);
  return result.event;
};
const card = (overrides: Partial<Parameters<typeof cardActionEnvelope>[0]> = {}) =>
  cardActionEnvelope({ openId: 'ou_alice', userId: 'alice01', messageId: 'om_card', chatId: 'oc_room', action: 'ack', incident: 'INC-7', token: TOKEN, eventId: 'ev-1', ...overrides });

describe('feishu inbound: URL verification', () => {
  it('answers a plain challenge', () => {
    const result = handle(request(challengeBody(TOKEN, 'chal-1'), { encrypt: false, unsigned: true }));
    expect(result).toEqual({ kind: 'handshake', reply: { status: 200, body: { challenge: 'chal-1' } } });
  });

  it('answers an encrypted challenge that carries no signature or timestamp', () => {
    const result = handle(request(challengeBody(TOKEN, 'chal-2'), { unsigned: true }));
    expect(result).toEqual({ kind: 'handshake', reply: { status: 200, body: { challenge: 'chal-2' } } });
  });

  it('refuses a challenge with the wrong verification token', () => {
    expect(refusal(request(challengeBody('not-the-token', 'chal-3'), { unsigned: true }))).toBeInstanceOf(UnauthorizedError);
  });

  it('refuses an encrypted challenge made with another key', () => {
    const forged = callbackRequest(challengeBody(TOKEN), { encryptKey: 'some-other-key', unsigned: true });
    expect(refusal({ method: 'POST', headers: forged.headers, query: {}, rawBody: Buffer.from(forged.rawBody), now })).toBeInstanceOf(UnauthorizedError);
  });
});

describe('feishu inbound: signed and encrypted callbacks', () => {
  it('turns a card.action.trigger into an action event with incident, sender and message', () => {
    const result = handle(request(card()));
    expect(eventOf(result)).toEqual({
      type: 'action',
      platform: 'feishu',
      eventId: 'ev-1',
      action: 'ack',
      incidentRef: 'INC-7',
      sender: { ids: ['ou_alice', 'alice01', 'on_alice'] },
      message: { platform: 'feishu', chatId: 'oc_room', messageId: 'om_card' },
      at: expect.any(Date),
    });
    if (result.kind !== 'event') throw new Error('unreachable');
    expect(result.reply({ ok: true, text: 'INC-7 acknowledged' })).toEqual({ status: 200, body: { toast: { type: 'success', content: 'INC-7 acknowledged' } } });
    expect(result.reply({ ok: false, text: 'not allowed' }).body).toEqual({ toast: { type: 'error', content: 'not allowed' } });
  });

  it('turns im.message.receive_v1 into a message event, placeholders out and mentions mapped', () => {
    const envelope = messageEventEnvelope({
      openId: 'ou_bob',
      chatId: 'oc_room',
      text: '@_user_1 ack INC-7 @_user_2 please look',
      mentions: [{ openId: 'ou_bot', name: 'warroom', bot: true }, { openId: 'ou_carol', name: 'Carol', userId: 'carol01' }],
      token: TOKEN,
      messageId: 'om_msg',
      eventId: 'ev-msg',
    });
    const result = handle(request(envelope));
    expect(eventOf(result)).toEqual({
      type: 'message',
      platform: 'feishu',
      eventId: 'ev-msg',
      chatId: 'oc_room',
      chatType: 'group',
      messageId: 'om_msg',
      sender: { ids: ['ou_bob', 'on_bob'] },
      text: 'ack INC-7 please look',
      mentions: [{ ids: ['ou_carol', 'carol01', 'on_carol'], name: 'Carol' }],
      mentionsBot: true,
      at: expect.any(Date),
    });
    if (result.kind === 'event') expect(result.reply({ ok: true, text: 'done' })).toEqual({ status: 200, body: {} });
  });

  it('recognises the bot by its configured open_id, and direct chats', () => {
    const verifier = createFeishuInbound({ encrypt_key: ENCRYPT_KEY, verification_token: TOKEN, bot_open_id: 'ou_bot' });
    const envelope = messageEventEnvelope({ openId: 'ou_bob', chatId: 'oc_dm', chatType: 'p2p', text: '@_user_1 status', mentions: [{ openId: 'ou_bot', name: 'warroom', userId: 'x' }], token: TOKEN });
    const event = eventOf(handle(request(envelope), verifier));
    expect(event).toMatchObject({ chatType: 'direct', mentionsBot: true, mentions: [], text: 'status' });
    const plain = eventOf(handle(request(messageEventEnvelope({ openId: 'ou_bob', chatId: 'oc_room', text: 'hello', token: TOKEN }))));
    expect(plain).toMatchObject({ mentionsBot: false, text: 'hello' });
  });

  it('ignores messages sent by bots and event types warroom does not use', () => {
    const fromBot = messageEventEnvelope({ openId: 'ou_bot', chatId: 'oc_room', text: 'echo', senderType: 'app', token: TOKEN });
    expect(handle(request(fromBot))).toMatchObject({ kind: 'ignored', reply: { status: 200, body: {} } });
    const other = { schema: '2.0', header: { event_id: 'e', event_type: 'im.chat.member.user.added_v1', token: TOKEN }, event: {} };
    expect(handle(request(other))).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('im.chat.member.user.added_v1') });
    expect(handle(request(card({ action: 'launch-missiles' })))).toMatchObject({ kind: 'ignored' });
  });

  it('hashes the raw body as sent, not a re-serialisation (the SDK would refuse this one)', () => {
    const envelope = card();
    const rawBody = JSON.stringify(envelope, null, 2);
    const nonce = 'n-raw';
    const signature = createHash('sha256').update(`${nowSec}${nonce}${ENCRYPT_KEY}${rawBody}`).digest('hex');
    const headers = { 'x-lark-request-timestamp': String(nowSec), 'x-lark-request-nonce': nonce, 'x-lark-signature': signature };
    expect(eventOf(handle({ method: 'POST', headers, query: {}, rawBody: Buffer.from(rawBody), now }))).toMatchObject({ action: 'ack' });
  });
});

describe('feishu inbound: refusals', () => {
  it.each<[string, CallbackOptions]>([
    ['a tampered body', { tamper: true }],
    ['a signature made with another key', { signWithKey: 'guessed-key' }],
    ['a timestamp 6 minutes old', { timestamp: nowSec - 6 * 60 }],
    ['a timestamp 6 minutes ahead', { timestamp: nowSec + 6 * 60 }],
    ['no signature headers', { unsigned: true }],
  ])('%s is UnauthorizedError', (_label, options) => {
    expect(refusal(request(card(), options))).toBeInstanceOf(UnauthorizedError);
  });

  it('a plain (unencrypted) event must be signed too when an encrypt key is configured', () => {
    expect(eventOf(handle(request(card(), { encrypt: false })))).toMatchObject({ action: 'ack' });
    expect(refusal(request(card(), { encrypt: false, unsigned: true }))).toBeInstanceOf(UnauthorizedError);
  });

  it('a wrong verification token is UnauthorizedError even with a good signature', () => {
    const error = refusal(request(card({ token: 'stolen-token' })));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as Error).message).toMatch(/verification token/);
  });

  it('a body that is not a JSON object is ValidationError', () => {
    const bad = (raw: string): InboundRequest => ({ method: 'POST', headers: {}, query: {}, rawBody: Buffer.from(raw), now });
    expect(refusal(bad('{"schema":'))).toBeInstanceOf(ValidationError);
    expect(refusal(bad('[1,2]'))).toBeInstanceOf(ValidationError);
  });

  it('refuses everything when neither an encrypt key nor a verification token is configured', () => {
    expect(refusal(request(challengeBody('x'), { encrypt: false }), createFeishuInbound({}))).toBeInstanceOf(UnauthorizedError);
  });
});

describe('feishu inbound: token-only and legacy cards', () => {
  const tokenOnly = createFeishuInbound({ verification_token: TOKEN });
  const plain = (body: unknown, options: CallbackOptions = {}) => request(body, { encryptKey: undefined, encrypt: false, ...options });
  const withoutCreateTime = (envelope: ReturnType<typeof card>) => ({ ...envelope, header: { ...envelope.header, create_time: undefined } });
  const plainWithout = (envelope: ReturnType<typeof card>) => plain(withoutCreateTime(envelope), { unsigned: true });

  it('without an encrypt key the verification token decides', () => {
    expect(eventOf(handle(plain(card()), tokenOnly))).toMatchObject({ incidentRef: 'INC-7' });
    expect(refusal(plain(card({ token: 'nope' })), tokenOnly)).toBeInstanceOf(UnauthorizedError);
    expect(refusal(plain(card(), { timestamp: nowSec - 600 }), tokenOnly)).toBeInstanceOf(UnauthorizedError);
  });

  it('checks the event\'s own create_time against now, with or without a timestamp header', () => {
    const at = (createTime: string | number | undefined) => {
      const envelope = card();
      return { ...envelope, header: { ...envelope.header, create_time: createTime } };
    };
    const nowMs = now.getTime();
    // Fresh create_time and no header at all: accepted, the event's time is the window.
    expect(eventOf(handle(plain(at(String(nowMs - 60_000)), { unsigned: true }), tokenOnly))).toMatchObject({ incidentRef: 'INC-7' });
    for (const stale of [String(nowMs - 6 * 60_000), String(nowMs + 6 * 60_000), nowMs - 6 * 60_000, String(nowSec - 360), String((nowMs - 360_000) * 1000)]) {
      // A replayed capture: an old body, sent with or without a fresh timestamp header.
      const headerless = refusal(plain(at(stale), { unsigned: true }), tokenOnly);
      expect(headerless).toBeInstanceOf(UnauthorizedError);
      expect((headerless as Error).message).toMatch(/create_time/);
      expect(refusal(plain(at(stale)), tokenOnly)).toBeInstanceOf(UnauthorizedError);
    }
    expect(refusal(plain(at('yesterday'), { unsigned: true }), tokenOnly)).toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a request with neither a timestamp header nor a create_time, but still answers the handshake', () => {
    const timeless = refusal(plainWithout(card()), tokenOnly);
    expect(timeless).toBeInstanceOf(UnauthorizedError);
    expect((timeless as Error).message).toMatch(/neither a timestamp header nor an event create_time/);
    // With the header (and no create_time) the header's window applies as before.
    expect(eventOf(handle(plain(withoutCreateTime(card())), tokenOnly))).toMatchObject({ incidentRef: 'INC-7' });
    // The URL-verification handshake carries no time at all and is still answered.
    expect(handle(plain(challengeBody(TOKEN, 'chal-token-only'), { unsigned: true }), tokenOnly)).toEqual({
      kind: 'handshake',
      reply: { status: 200, body: { challenge: 'chal-token-only' } },
    });
    expect(refusal(plain(challengeBody('wrong', 'chal-x'), { unsigned: true }), tokenOnly)).toBeInstanceOf(UnauthorizedError);
  });

  it('a legacy v1 card callback signed with sha1 is an action event with a stable derived id', () => {
    const body = legacyCardBody({ openId: 'ou_alice', userId: 'alice01', messageId: 'om_old', chatId: 'oc_room', action: 'resolve', incident: 'INC-8' });
    const req = plain(body, { legacyVerificationToken: TOKEN });
    const first = eventOf(handle(req, tokenOnly));
    expect(first).toMatchObject({ type: 'action', action: 'resolve', incidentRef: 'INC-8', sender: { ids: ['ou_alice', 'alice01'] }, message: { chatId: 'oc_room', messageId: 'om_old' } });
    expect(first.eventId).toMatch(/^legacy-[0-9a-f]{32}$/);
    expect(eventOf(handle(req, tokenOnly)).eventId).toBe(first.eventId);
    const later = eventOf(handle(plain(body, { legacyVerificationToken: TOKEN, timestamp: nowSec + 1 }), tokenOnly));
    expect(later.eventId).not.toBe(first.eventId);
  });

  it('a legacy card with a bad sha1 signature or a stale timestamp is refused', () => {
    const body = legacyCardBody({ openId: 'ou_alice', messageId: 'om_old', action: 'ack', incident: 'INC-8' });
    expect(refusal(plain(body, { legacyVerificationToken: 'wrong' }), tokenOnly)).toBeInstanceOf(UnauthorizedError);
    expect(refusal(plain(body, { legacyVerificationToken: TOKEN, timestamp: nowSec - 400 }), tokenOnly)).toBeInstanceOf(UnauthorizedError);
    expect(refusal(plain(body, { legacyVerificationToken: TOKEN, tamper: true }), tokenOnly)).toBeInstanceOf(UnauthorizedError);
  });
});
