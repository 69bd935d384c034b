import { describe, expect, it } from 'vitest';
import { UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { InboundRequest, InboundResult } from '../api.js';
import { encryptedCallback, verifyUrl } from '../testing/fake-wecom.js';
import { expectNoSecret } from '../testing/provider-test-kit.js';
import { decryptWecomMessage, wecomAesKey, wecomSignature } from './callback-crypto.js';
import { createWecomInbound } from './inbound.js';
import { createWecomProvider } from './index.js';

const TOKEN = 'QDG6eK9rjzTXJbJ3cqPB';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP_ID = 'wx5823bf96d3bd56c7';
const secrets = { token: TOKEN, encodingAesKey: AES_KEY, corpId: CORP_ID };
const NOW_SEC = 1_767_603_600; // 2026-01-05T09:00:00Z
const inbound = createWecomInbound(secrets);

const post = (callback: { query: Record<string, string>; rawBody: Buffer }, nowSec = NOW_SEC): InboundRequest => ({
  method: 'POST',
  headers: { 'content-type': 'text/xml' },
  query: callback.query,
  rawBody: callback.rawBody,
  now: new Date(nowSec * 1000),
});
const get = (query: Record<string, string>, nowSec = NOW_SEC): InboundRequest => ({ method: 'GET', headers: {}, query, rawBody: Buffer.alloc(0), now: new Date(nowSec * 1000) });
const handle = async (request: InboundRequest) => inbound.handle(request);
const failure = (request: InboundRequest) => handle(request).then(() => undefined, (e: unknown) => e);
const eventOf = (result: InboundResult) => {
  if (result.kind !== 'event') throw new Error(`expected an event, got ${result.kind}`);
  return result;
};

const textXml = (content: string, extra = '') =>
  `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>${NOW_SEC}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>7412345678901234567</MsgId><AgentID>1000002</AgentID>${extra}</xml>`;
const cardXml = (key: string, createTime = NOW_SEC) =>
  `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${key}]]></EventKey><TaskId><![CDATA[task-1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc-1]]></ResponseCode><AgentID>1000002</AgentID></xml>`;
const callback = (xml: string, extra: Partial<Parameters<typeof encryptedCallback>[1]> = {}) => encryptedCallback(xml, { ...secrets, timestamp: NOW_SEC, nonce: 'n0nce', ...extra });

describe('wecom callback crypto', () => {
  // A URL verification captured from WeCom's own debugging tool, as published in go-workwx's tests.
  const vector = {
    token: 'kjr2TKI8umCBfVF3wAHk8JiPwma5VBme',
    key: '4Ma3YBrSBbX2aez8MJpXGBne5LSDwgGqHbhM9WPYIws',
    corpId: 'ww6a112864f8022910',
    echostr: '6KmUQuPVu7UhjyVqRdbo5SfcRqaHvbUlKSHFvBV2ZuR6TIlKsygcfeSd1GDplg1C5KSKr6UPHCaC/nIX3ZNt9w==',
    signature: '1ba3cb09c0d2c2b3ed6900d37f91a6efae6cb011',
    timestamp: '1583940690',
    nonce: 'VHh7ymSeb0jc4lSb',
  };

  it('matches the signature and plaintext of a real WeCom URL verification', () => {
    expect(wecomSignature(vector.token, vector.timestamp, vector.nonce, vector.echostr)).toBe(vector.signature);
    expect(decryptWecomMessage(vector.echostr, wecomAesKey(vector.key), vector.corpId)).toBe('94966531020182955848408');
  });

  it('answers that verification with the decrypted echostr as plain text', async () => {
    const real = createWecomInbound({ token: vector.token, encodingAesKey: vector.key, corpId: vector.corpId });
    const query = { msg_signature: vector.signature, timestamp: vector.timestamp, nonce: vector.nonce, echostr: vector.echostr };
    expect(await real.handle(get(query, Number(vector.timestamp)))).toEqual({
      kind: 'handshake',
      reply: { status: 200, body: '94966531020182955848408', contentType: 'text/plain' },
    });
  });

  it('refuses a key that is not 43 base64 characters', () => {
    expect(() => wecomAesKey('short')).toThrow(/43 base64 characters/);
  });
});

describe('wecom inbound callbacks', () => {
  it('round-trips a URL verification built by the fake, also when "+" arrived as a space', async () => {
    for (let i = 0; i < 8; i += 1) {
      const { query, echo } = verifyUrl({ ...secrets, timestamp: NOW_SEC, nonce: `n${i}`, echo: `echo-${i}-中文` });
      const spaced = { ...query, echostr: query.echostr.replace(/\+/g, ' ') };
      for (const q of [query, spaced]) {
        const result = await handle(get(q));
        expect(result).toEqual({ kind: 'handshake', reply: { status: 200, body: echo, contentType: 'text/plain' } });
      }
    }
  });

  it('turns a text message into a direct message event', async () => {
    const result = eventOf(await handle(post(callback(textXml(' ack 12 ')))));
    expect(result.event).toEqual({
      type: 'message',
      platform: 'wecom',
      eventId: '7412345678901234567',
      chatId: 'zhangsan',
      chatType: 'direct',
      messageId: '7412345678901234567',
      sender: { ids: ['zhangsan'] },
      text: 'ack 12',
      mentions: [],
      mentionsBot: true,
      at: new Date(NOW_SEC * 1000),
    });
    expect(result.reply({ ok: true, text: 'Acknowledged' })).toEqual({ status: 200, body: '', contentType: 'text/plain' });
  });

  it('marks a message carrying a ChatId as a group message in that chat', async () => {
    const result = eventOf(await handle(post(callback(textXml('status', '<ChatId><![CDATA[wr0123abc]]></ChatId>')))));
    expect(result.event).toMatchObject({ chatType: 'group', chatId: 'wr0123abc' });
  });

  it('turns a template card click with a warroom key into an action, with a stable event id', async () => {
    const first = eventOf(await handle(post(callback(cardXml('warroom:ack:INC-12')))));
    expect(first.event).toEqual({
      type: 'action',
      platform: 'wecom',
      eventId: `lisi:${NOW_SEC}:task-1:warroom:ack:INC-12`,
      action: 'ack',
      incidentRef: 'INC-12',
      sender: { ids: ['lisi'] },
      at: new Date(NOW_SEC * 1000),
    });
    // WeCom redelivers the same XML (new nonce, new encryption) when we answer late.
    const again = eventOf(await handle(post(callback(cardXml('warroom:ack:INC-12'), { nonce: 'other' }))));
    expect(again.event.eventId).toBe(first.event.eventId);
    const later = eventOf(await handle(post(callback(cardXml('warroom:ack:INC-12', NOW_SEC + 5)))));
    expect(later.event.eventId).not.toBe(first.event.eventId);
  });

  it('ignores other events and foreign card keys, still answering 200', async () => {
    const enter = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>${NOW_SEC}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey><AgentID>1</AgentID></xml>`;
    for (const xml of [enter, cardXml('other-app:ack:1'), cardXml('warroom:delete:INC-1')]) {
      const result = await handle(post(callback(xml)));
      expect(result.kind).toBe('ignored');
      if (result.kind === 'ignored') expect(result.reply.status).toBe(200);
    }
  });

  it.each([
    ['a tampered ciphertext', () => post(callback(textXml('x'), { tamper: 'ciphertext' }))],
    ['a wrong signature', () => post(callback(textXml('x'), { tamper: 'signature' }))],
    ['a timestamp 6 minutes old', () => post(callback(textXml('x')), NOW_SEC + 360)],
    ['a timestamp 6 minutes ahead', () => post(callback(textXml('x')), NOW_SEC - 360)],
    ['another corp id', () => post(callback(textXml('x'), { corpId: 'wwother0000000001' }))],
    ['another AES key', () => post(callback(textXml('x'), { encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }))],
    ['another token', () => post(callback(textXml('x'), { token: 'someoneElse' }))],
    ['a forged URL verification', () => get(verifyUrl({ ...secrets, timestamp: NOW_SEC, tamper: 'signature' }).query)],
  ])('refuses %s as unauthorized, quoting no secret', async (_name, request) => {
    const error = await failure(request());
    expect(error).toBeInstanceOf(UnauthorizedError);
    expectNoSecret(error, [TOKEN, AES_KEY]);
  });

  it('accepts a timestamp just inside the window', async () => {
    expect((await handle(post(callback(textXml('x')), NOW_SEC + 299))).kind).toBe('event');
  });

  it.each([
    ['a missing msg_signature', () => { const c = callback(textXml('x')); return post({ ...c, query: { timestamp: c.query.timestamp, nonce: c.query.nonce } }); }],
    ['a body that is not XML', () => ({ ...post(callback(textXml('x'))), rawBody: Buffer.from('{"Encrypt":"abc"}') })],
    ['XML with a DOCTYPE', () => ({ ...post(callback(textXml('x'))), rawBody: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>a</Encrypt></xml>') })],
    ['a non-numeric timestamp', () => { const c = callback(textXml('x')); return post({ ...c, query: { ...c.query, timestamp: 'soon' } }); }],
    ['a PUT', () => ({ ...post(callback(textXml('x'))), method: 'PUT' })],
    ['a payload that decrypts to something other than XML', () => post(callback('just text'))],
    ['a text message without MsgId', () => post(callback(textXml('x').replace(/<MsgId>\d+<\/MsgId>/, '')))],
  ])('refuses %s as malformed', async (_name, request) => {
    const error = await failure(request());
    expect(error).toBeInstanceOf(ValidationError);
    expectNoSecret(error, [TOKEN, AES_KEY]);
  });

  it('refuses a 200 KB body before parsing it, without hanging', async () => {
    const body = Buffer.from(`<xml><Encrypt>${' '.repeat(200 * 1024)}x</xml>`);
    const started = performance.now();
    const error = await failure({ ...post(callback(textXml('x'))), rawBody: body });
    // A guard against the old cubic regex (seconds for a few KB), not a benchmark: keep it generous.
    expect(performance.now() - started).toBeLessThan(100);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/exceeds/);
  });

  it('parses a 60 KB body with an unclosed <Encrypt> in linear time and refuses it as malformed', async () => {
    for (const filler of [' ', '\t', 'a']) {
      const body = Buffer.from(`<xml><Encrypt>${filler.repeat(60 * 1024)}x</xml>`);
      expect(body.length).toBeLessThanOrEqual(64 * 1024);
      const started = performance.now();
      const error = await failure({ ...post(callback(textXml('x'))), rawBody: body });
      expect(performance.now() - started).toBeLessThan(100);
      expect(error).toBeInstanceOf(ValidationError);
    }
  });

  it('reads CDATA and plain elements with surrounding whitespace, and CDATA quoting a closing tag', async () => {
    const c = callback(textXml('x'));
    const encrypt = /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(c.rawBody.toString('utf8'))?.[1];
    expect(encrypt).toBeTruthy();
    for (const body of [`<xml>\n  <Encrypt>\n <![CDATA[${encrypt}]]>\n </Encrypt>\n</xml>`, `<?xml version="1.0"?>\n<xml><Encrypt> ${encrypt} </Encrypt></xml>`]) {
      expect((await handle({ ...post(c), rawBody: Buffer.from(body) })).kind).toBe('event');
    }
    const quoting = eventOf(await handle(post(callback(textXml('see </Content> here')))));
    expect(quoting.event).toMatchObject({ text: 'see </Content> here' });
  });

  it('is offered by the provider only when the app is configured', () => {
    const app = { corp_id: CORP_ID, corp_secret: 'corp-secret-0000', agent_id: 1000002, token: TOKEN, encoding_aes_key: AES_KEY };
    expect(createWecomProvider({ app }).chat?.inbound).toBeDefined();
    expect(createWecomProvider({ robots: { ops: { webhook_url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } } }).chat?.inbound).toBeUndefined();
  });
});
