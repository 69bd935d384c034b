import { UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { ChatEvent, InboundReply, InboundRequest, InboundResult, InboundVerifier, MessageAction } from '../api.js';
import { decryptWecomMessage, verifyWecomSignature, wecomAesKey } from './callback-crypto.js';

/** WeCom does not bound callback age; warroom does, so a captured callback cannot be replayed later. */
export const REPLAY_WINDOW_MS = 5 * 60_000;
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
 */
function xmlDocument(text: string): string | null {
  const trimmed = text.replace(/^\uFEFF/, '').trim().replace(/^<\?xml[^>]*\?>\s*/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(trimmed)) return null;
  const match = /^<xml>([\s\S]*)<\/xml>$/.exec(trimmed);
  return match ? match[1]! : null;
}

/** The text of the first <name> element: CDATA as is, plain text with XML entities decoded. */
function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</${name}>`).exec(xml);
  if (!match) return undefined;
  return match[1] ?? decodeEntities(match[2] ?? '');
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, entity: string) => {
    if (entity[0] !== '#') return named[entity.toLowerCase()] ?? whole;
    const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
