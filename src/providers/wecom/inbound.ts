import { UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { ChatEvent, InboundReply, InboundRequest, InboundResult, InboundVerifier, MessageAction } from '../api.js';
import { decryptWecomMessage, verifyWecomSignature, wecomAesKey } from './callback-crypto.js';

/** WeCom does not bound callback age; warroom does, so a captured callback cannot be replayed later. */
export const REPLAY_WINDOW_MS = 5 * 60_000;
/** Largest callback body read at all; WeCom's encrypted messages are far smaller. */
export const MAX_BODY_BYTES = 64 * 1024;
const ACTIONS: ReadonlySet<string> = new Set<MessageAction['id']>(['view', 'ack', 'resolve', 'escalate']);
/** Card buttons carry `warroom:<action>:<incident ref>` as their key. */
const ACTION_KEY = /^warroom:([a-z]+):(.+)$/;
/** WeCom retries for 5 s until answered; an empty 200 means "received, no passive reply". */
const EMPTY_OK: InboundReply = { status: 200, body: '', contentType: 'text/plain' };

export interface WecomCallbackSettings {
  token: string;
  encodingAesKey: string;
  corpId: string;
}

/**
 * The app's callback URL (接收消息服务器, document paths 90930/90968). GET is URL verification:
 * answer the decrypted echostr as plain text. POST carries `<xml><Encrypt>…</Encrypt></xml>`
 * signed in the query (msg_signature, timestamp, nonce): a text message becomes a 'message'
 * event, a template card click ('warroom:ack:INC-12' keys) an 'action', anything else is ignored.
 */
export function createWecomInbound(settings: WecomCallbackSettings): InboundVerifier {
  const key = wecomAesKey(settings.encodingAesKey);
  const open = (request: InboundRequest, encrypt: string): string => {
    const signature = required(request.query, 'msg_signature');
    const timestamp = required(request.query, 'timestamp');
    const nonce = required(request.query, 'nonce');
    if (!/^\d{1,12}$/.test(timestamp)) throw new ValidationError('wecom callback timestamp must be unix seconds', { field: 'timestamp' });
    if (!verifyWecomSignature(signature, { token: settings.token, timestamp, nonce, encrypt })) {
      throw new UnauthorizedError('wecom callback signature does not match');
    }
    if (Math.abs(request.now.getTime() - Number(timestamp) * 1000) > REPLAY_WINDOW_MS) {
      throw new UnauthorizedError('wecom callback timestamp is outside the 5-minute window');
    }
    return decryptWecomMessage(encrypt, key, settings.corpId);
  };

  return {
    handle(request) {
      const method = request.method.toUpperCase();
      if (method === 'GET') {
        // Query decoding may turn base64 '+' into ' '; base64 has no spaces, so put them back.
        const echo = open(request, required(request.query, 'echostr').replace(/ /g, '+'));
        return { kind: 'handshake', reply: { status: 200, body: echo, contentType: 'text/plain' } };
      }
      if (method !== 'POST') throw new ValidationError(`wecom callbacks are GET or POST, not ${method}`);
      // Refused before anything reads it: real callbacks are a few KB of base64.
      if (request.rawBody.length > MAX_BODY_BYTES) {
        throw new ValidationError(`wecom callback body exceeds ${MAX_BODY_BYTES} bytes`, { field: 'body' });
      }
      const outer = request.rawBody.toString('utf8');
      const encrypt = xmlDocument(outer) !== null ? xmlField(outer, 'Encrypt') : undefined;
      if (!encrypt) throw new ValidationError('wecom callback body is not <xml> with an <Encrypt> element', { field: 'Encrypt' });
      return parseCallback(open(request, encrypt));
    },
  };
}

/** The decrypted inner XML → warroom's terms. Exported for tests of the mapping alone. */
export function parseCallback(xml: string): InboundResult {
  if (xmlDocument(xml) === null) throw new ValidationError('wecom callback did not decrypt to an <xml> document');
  const field = (name: string) => xmlField(xml, name);
  const msgType = field('MsgType');
  const from = field('FromUserName');
  const createTime = field('CreateTime');
  if (!msgType || !from || !createTime || !/^\d+$/.test(createTime)) {
    throw new ValidationError('wecom callback lacks MsgType, FromUserName or CreateTime', { field: 'MsgType' });
  }
  const at = new Date(Number(createTime) * 1000);
  const sender = { ids: [from] };

  if (msgType === 'text') {
    const msgId = field('MsgId');
    if (!msgId) throw new ValidationError('wecom text callback has no MsgId', { field: 'MsgId' });
    // [U] App callbacks are direct messages; a ChatId, where WeCom sends one, marks a group chat.
    const chatId = field('ChatId');
    const event: ChatEvent = {
      type: 'message',
      platform: 'wecom',
      eventId: msgId,
      chatId: chatId ?? from,
      chatType: chatId ? 'group' : 'direct',
      messageId: msgId,
      sender,
      text: (field('Content') ?? '').trim(),
      mentions: [],
      // Someone wrote to the app itself, which is what an @mention means elsewhere.
      mentionsBot: true,
      at,
    };
    return { kind: 'event', event, reply: () => EMPTY_OK };
  }

  const eventType = field('Event');
  if (msgType === 'event' && (eventType === 'template_card_event' || eventType === 'template_card_menu_event')) {
    const match = ACTION_KEY.exec(field('EventKey') ?? '');
    if (!match || !ACTIONS.has(match[1]!)) return ignored(`card key ${JSON.stringify(field('EventKey') ?? '')} is not a warroom action`);
    const taskId = field('TaskId') ?? '';
    const event: ChatEvent = {
      type: 'action',
      platform: 'wecom',
      // Redeliveries repeat all of these; two clicks differ at least in CreateTime.
      eventId: `${from}:${createTime}:${taskId}:${match[0]}`,
      action: match[1] as MessageAction['id'],
      incidentRef: match[2]!,
      sender,
      at,
    };
    return { kind: 'event', event, reply: () => EMPTY_OK };
  }
  return ignored(`wecom ${msgType}${eventType ? `/${eventType}` : ''} callbacks are not used`);
}

const ignored = (reason: string): InboundResult => ({ kind: 'ignored', reason, reply: EMPTY_OK });

function required(query: Record<string, string>, name: string): string {
  const value = query[name];
  if (!value) throw new ValidationError(`wecom callback is missing the ${name} query parameter`, { field: name });
  return value;
}

/**
 * WeCom's callback XML is flat and tiny, so a full XML parser would only add attack surface
 * (entities, DTDs): this accepts `<xml>…</xml>` with no DOCTYPE and reads single elements.
 * The outer body is read before its signature is checked, so everything here scans with indexOf
 * and never runs a backtracking regex over it: each helper is linear in the input's length.
 */
function xmlDocument(text: string): string | null {
  let trimmed = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
  if (trimmed.startsWith('<?xml')) {
    const end = trimmed.indexOf('?>');
    if (end === -1) return null;
    trimmed = trimmed.slice(end + 2).trimStart();
  }
  const upper = trimmed.toUpperCase();
  if (upper.includes('<!DOCTYPE') || upper.includes('<!ENTITY')) return null;
  if (!trimmed.startsWith('<xml>') || !trimmed.endsWith('</xml>') || trimmed.length < '<xml></xml>'.length) return null;
  return trimmed.slice('<xml>'.length, trimmed.length - '</xml>'.length);
}

const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

/**
 * The text of the first <name> element, trimmed: CDATA as is, plain text with XML entities
 * decoded. Undefined when the element is missing, unclosed, or holds markup other than CDATA.
 */
function xmlField(xml: string, name: string): string | undefined {
  const open = `<${name}>`;
  const close = `</${name}>`;
  const start = xml.indexOf(open);
  if (start === -1) return undefined;
  const contentStart = start + open.length;
  const cdata = firstNonSpace(xml, contentStart);
  if (xml.startsWith(CDATA_OPEN, cdata)) {
    // A CDATA section ends at its first `]]>` (XML forbids one inside), so the element may
    // contain `</name>` as text (a chat message quoting XML) without cutting the value short.
    const cdataEnd = xml.indexOf(CDATA_CLOSE, cdata + CDATA_OPEN.length);
    if (cdataEnd === -1) return undefined;
    const after = firstNonSpace(xml, cdataEnd + CDATA_CLOSE.length);
    if (!xml.startsWith(close, after)) return undefined;
    return xml.slice(cdata + CDATA_OPEN.length, cdataEnd);
  }
  const end = xml.indexOf(close, contentStart);
  if (end === -1) return undefined;
  const text = xml.slice(contentStart, end);
  if (text.includes('<')) return undefined;
  return decodeEntities(text.trim());
}

/** The index of the first non-whitespace character at or after `from` (xml.length when none). */
function firstNonSpace(xml: string, from: number): number {
  let i = from;
  while (i < xml.length && /\s/.test(xml[i]!)) i += 1;
  return i;
}

/** One alternation with no nested quantifier: a single linear pass, safe on unsigned input too. */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, entity: string) => {
    if (entity[0] !== '#') return named[entity.toLowerCase()] ?? whole;
    const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
