import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../kernel/index.js';
import type { ChannelKind, MessageDoc, Recipient } from '../api.js';
import { startFakeTwilio, type FakeTwilio } from '../testing/fake-twilio.js';
import { expectNoSecret, runProviderTestKit, type KitFake } from '../testing/provider-test-kit.js';
import { createSmsVoiceProvider, type SmsVoiceConfigInput } from './index.js';

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'twilio-token-5f4dcc3b5aa765d6';
const WRONG_TOKEN = 'twilio-token-wrong-0000000000';
const basicOf = (token: string) => Buffer.from(`${ACCOUNT_SID}:${token}`).toString('base64');
const SECRETS = [AUTH_TOKEN, WRONG_TOKEN, basicOf(AUTH_TOKEN), basicOf(WRONG_TOKEN)];
let twilio: FakeTwilio;

beforeAll(async () => {
  twilio = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
});
afterAll(async () => {
  await twilio.close();
});

const alice: Recipient = {
  userId: 'u-alice',
  name: 'Alice',
  email: 'alice@example.com',
  phone: '+14155550123',
  webhookUrl: null,
  timezone: 'Europe/Berlin',
  chatIds: {},
};

const config = (overrides: Partial<SmsVoiceConfigInput> = {}): SmsVoiceConfigInput => ({
  account_sid: ACCOUNT_SID,
  auth_token: AUTH_TOKEN,
  from: '+15005550006',
  base_url: twilio.url,
  timeout_ms: 1000,
  ...overrides,
});

const kitFake = (kind: 'sms' | 'call'): KitFake => ({
  retryAfterSupported: true,
  deliveries: () =>
    (kind === 'sms' ? twilio.messages() : twilio.calls()).map((m) => ({ externalId: m.sid, idempotencyMarker: m.idempotencyKey })),
  throttleNext: (sec) => twilio.failNext(1, sec === undefined ? { status: 429 } : { status: 429, retryAfter: sec }),
  serverErrorNext: () => twilio.failNext(1, { status: 503 }),
  rejectNext: () => twilio.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }),
  hangNext: () => twilio.hangNext(1),
  reset: () => twilio.reset(),
});

for (const [channel, kind] of [['sms', 'sms'], ['voice', 'call']] as const) {
  runProviderTestKit({
    name: 'twilio',
    channel,
    makeProvider: ({ credentials }) => createSmsVoiceProvider(config({ auth_token: credentials === 'valid' ? AUTH_TOKEN : WRONG_TOKEN })),
    fake: () => kitFake(kind),
    recipient: alice,
    secrets: SECRETS,
  });
}

const doc: MessageDoc = {
  kind: 'page',
  title: 'Payments <API> down & "degraded"',
  severity: 'P0',
  incidentRef: 'INC-12',
  incidentUrl: 'https://warroom.example/incidents/12',
  fields: [],
  links: [],
  actions: [],
  mentions: [],
  replyHint: 'Reply 12a to ack, 12r to resolve',
};

describe('twilio sms and voice provider', () => {
  const sender = (channel: ChannelKind, overrides: Partial<SmsVoiceConfigInput> = {}) =>
    createSmsVoiceProvider(config(overrides)).senders.find((s) => s.channel === channel)!;
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

  beforeEach(() => twilio.reset());

  it('declares both channels', () => {
    expect(createSmsVoiceProvider(config()).info()).toEqual({ id: 'twilio', displayName: 'Twilio SMS and voice', channels: ['sms', 'voice'] });
  });

  it('sends an SMS as the documented form post with Basic auth', async () => {
    const callback = 'https://warroom.example/hooks/twilio/status';
    const { externalId } = await sender('sms', { status_callback_url: callback }).send(alice, doc, { idempotencyKey: 'k-1' });
    expect(externalId).toMatch(/^SM[0-9a-f]{32}$/);
    const [request] = twilio.requests();
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(`Basic ${basicOf(AUTH_TOKEN)}`);
    expect(twilio.messages()).toEqual([
      expect.objectContaining({
        sid: externalId,
        to: '+14155550123',
        from: '+15005550006',
        body: '[P0] INC-12 Payments <API> down & "degraded". Reply 12a to ack, 12r to resolve',
        statusCallback: callback,
        idempotencyKey: 'k-1',
      }),
    ]);
  });

  it('places a call whose inline TwiML reads the incident and gathers one digit', async () => {
    const { externalId } = await sender('voice', { voice_action_url: 'https://warroom.example/hooks/twilio/gather' }).send(alice, doc, {
      idempotencyKey: 'k-2',
    });
    expect(externalId).toMatch(/^CA[0-9a-f]{32}$/);
    const [call] = twilio.calls();
    expect(call?.twiml).toContain('<Say>Warroom page. Severity P0. Incident 12. Payments &lt;API&gt; down &amp; &quot;degraded&quot;.</Say>');
    expect(call?.twiml).toContain(
      '<Gather numDigits="1" timeout="10" action="https://warroom.example/hooks/twilio/gather?incident=INC-12" method="POST"><Say>Press 1 to acknowledge.</Say></Gather>',
    );
  });

  it('normalises a phone written with spaces and dashes', async () => {
    await sender('sms').send({ ...alice, phone: '+1 415-555-0123' }, doc, { idempotencyKey: 'k-3' });
    expect(twilio.messages()[0]?.to).toBe('+14155550123');
  });

  it("keeps Twilio's code for an invalid 'To' (21211) as a PermanentError", async () => {
    const error = await failure(sender('sms').send({ ...alice, phone: '+15005550001' }, doc, { idempotencyKey: 'k-4' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe("twilio Messages answered 400 (code 21211): The 'To' number +15005550001 is not a valid phone number.");
  });

  it('refuses a phone that is not E.164 before calling Twilio', async () => {
    const error = await failure(sender('voice').send({ ...alice, phone: '0151 2345678' }, doc, { idempotencyKey: 'k-5' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(twilio.requests()).toHaveLength(0);
  });

  it('bad credentials are a PermanentError with code 20003 and no token', async () => {
    const error = await failure(sender('sms', { auth_token: WRONG_TOKEN }).send(alice, doc, { idempotencyKey: 'k-6' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('twilio Messages answered 401 (code 20003): Authenticate');
    expectNoSecret(error, SECRETS);
  });

  it('scrubs the auth token even if Twilio were to echo it', async () => {
    twilio.failNext(1, { status: 400, code: 21000, message: `bad request with ${AUTH_TOKEN} inside` });
    const error = await failure(sender('sms').send(alice, doc, { idempotencyKey: 'k-7' }));
    expect((error as Error).message).toContain('[redacted]');
    expectNoSecret(error, SECRETS);
  });

  it('a 429 without Retry-After is retryable with no hint; a 500 too', async () => {
    twilio.failNext(1, { status: 429 });
    twilio.failNext(1, { status: 500 });
    for (const status of [429, 500]) {
      const error = await failure(sender('sms').send(alice, doc, { idempotencyKey: `k-${status}` }));
      expect(error).toBeInstanceOf(RetryableError);
      expect((error as RetryableError).retryAfterMs).toBeUndefined();
      expect((error as Error).message).toContain(`answered ${status}`);
    }
  });

  it('an unreachable Twilio is retryable', async () => {
    const error = await failure(sender('sms', { base_url: 'http://127.0.0.1:9' }).send(alice, doc, { idempotencyKey: 'k-8' }));
    expect(error).toBeInstanceOf(RetryableError);
    expectNoSecret(error, SECRETS);
  });

  it('a 2xx without a sid (a proxy or a wrong base_url) is a PermanentError, not a success', async () => {
    const impostor = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = impostor.address() as AddressInfo;
      const error = await failure(sender('sms', { base_url: `http://127.0.0.1:${port}` }).send(alice, doc, { idempotencyKey: 'k-9' }));
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toBe('twilio Messages answered 200 without a sid');
    } finally {
      impostor.close();
    }
  });

  it("a call to Twilio's magic invalid number keeps code 21217", async () => {
    const error = await failure(sender('voice').send({ ...alice, phone: '+15005550001' }, doc, { idempotencyKey: 'k-10' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('(code 21217)');
  });

  it('validates its config without echoing the token', () => {
    const attempt = () => createSmsVoiceProvider({ account_sid: 'nope', auth_token: AUTH_TOKEN, from: '12345' });
    expect(attempt).toThrow(/account_sid must be/);
    try {
      attempt();
    } catch (error) {
      expect(String(error)).toMatch(/from must be an E\.164 number/);
      expectNoSecret(error, SECRETS);
    }
  });
});
