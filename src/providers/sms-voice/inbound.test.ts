import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../kernel/index.js';
import type { InboundTextReply } from '../api.js';
import { startFakeTwilio, type FakeTwilio } from '../testing/fake-twilio.js';
import { computeTwilioSignature, parseInboundGather, parseInboundSms, verifyTwilioSignature } from './inbound.js';

// Twilio's published worked examples (security docs and the official SDKs' tests): auth token
// 12345, this URL and these parameters give these signatures. They pin the algorithm itself.
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const docParams = (caller: string) => ({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' });

describe('verifyTwilioSignature', () => {
  it.each([
    ['+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['+12349013030', '0/KCTR6DLpKmkAf8muzZqo1nDgQ='],
  ])("matches Twilio's documented example for caller %s", (caller, signature) => {
    expect(computeTwilioSignature(DOC_URL, docParams(caller), '12345')).toBe(signature);
    expect(verifyTwilioSignature(DOC_URL, docParams(caller), signature, '12345')).toBe(true);
  });

  it.each([
    ['a changed parameter', DOC_URL, { ...docParams('+14158675309'), Digits: '1' }, '12345'],
    ['an added parameter', DOC_URL, { ...docParams('+14158675309'), Extra: 'x' }, '12345'],
    ['another URL', 'https://mycompany.com/myapp.php?foo=1&bar=3', docParams('+14158675309'), '12345'],
    ['the wrong token', DOC_URL, docParams('+14158675309'), '54321'],
  ])('refuses %s', (_case, url, params, token) => {
    expect(verifyTwilioSignature(url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', token)).toBe(false);
  });

  it('refuses a missing header, a garbled one and an empty token', () => {
    expect(verifyTwilioSignature(DOC_URL, docParams('+14158675309'), undefined, '12345')).toBe(false);
    expect(verifyTwilioSignature(DOC_URL, docParams('+14158675309'), 'short', '12345')).toBe(false);
    expect(verifyTwilioSignature(DOC_URL, docParams('+14158675309'), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', '')).toBe(false);
  });

  it('accepts a signature made over the URL with or without the default port', () => {
    const params = { Body: '1a', From: '+14155550123' };
    const signedWithPort = computeTwilioSignature('https://warroom.example:443/hooks/sms', params, 'tok');
    expect(verifyTwilioSignature('https://warroom.example/hooks/sms', params, signedWithPort, 'tok')).toBe(true);
    const signedWithout = computeTwilioSignature('https://warroom.example/hooks/sms', params, 'tok');
    expect(verifyTwilioSignature('https://warroom.example:443/hooks/sms', params, signedWithout, 'tok')).toBe(true);
    expect(verifyTwilioSignature('https://warroom.example:8443/hooks/sms', params, signedWithout, 'tok')).toBe(false);
  });
});

describe('parseInboundSms and parseInboundGather', () => {
  it('maps an SMS to an InboundTextReply', () => {
    expect(parseInboundSms({ From: '+14155550123', To: '+15005550006', Body: ' 12a ' })).toEqual({ channel: 'sms', from: '+14155550123', text: '12a' });
  });

  it('refuses an SMS without From', () => {
    expect(() => parseInboundSms({ Body: '12a' })).toThrow(ValidationError);
  });

  it('takes the person from To on calls warroom placed', () => {
    const params = { Direction: 'outbound-api', From: '+15005550006', To: '+14155550123', Digits: '1' };
    expect(parseInboundGather(params)).toEqual({ channel: 'voice', from: '+14155550123', text: '1' });
    expect(parseInboundGather({ ...params, Direction: 'inbound', From: '+14155550199' }).from).toBe('+14155550199');
  });
});

describe('an inbound SMS webhook end to end, posted by the fake Twilio', () => {
  const AUTH_TOKEN = 'inbound-test-token-0123456789';
  let twilio: FakeTwilio;
  let receiver: Server;
  let url: string;
  const received: { verified: boolean; reply?: InboundTextReply }[] = [];

  beforeAll(async () => {
    twilio = await startFakeTwilio({ authToken: AUTH_TOKEN });
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(raw));
        const signature = req.headers['x-twilio-signature'];
        // Verify against the URL configured in Twilio (behind a proxy, the public one), never one taken from the request.
        const verified = verifyTwilioSignature(url, params, typeof signature === 'string' ? signature : undefined, AUTH_TOKEN);
        received.push(verified ? { verified, reply: parseInboundSms(params) } : { verified });
        res.writeHead(verified ? 200 : 403, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sms`;
  });
  afterAll(async () => {
    await twilio.close();
    receiver.close();
  });

  it('verifies and parses a correctly signed reply, and refuses one signed for another URL or tampered with', async () => {
    const ok = await twilio.sendInboundSms(url, '+14155550123', '12a');
    expect(ok.status).toBe(200);
    expect(received.at(-1)).toEqual({ verified: true, reply: { channel: 'sms', from: '+14155550123', text: '12a' } });

    const forged = await twilio.sendInboundSms(`${url}?forged=1`, '+14155550123', '12r');
    expect(forged.status).toBe(403);
    expect(received.at(-1)).toEqual({ verified: false });

    const tampered = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' },
      body: new URLSearchParams({ From: '+14155550123', Body: '12r' }).toString(),
    });
    expect(tampered.status).toBe(403);
  });
});
