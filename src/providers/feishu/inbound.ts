import { UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { ChatOutcome, InboundReply, InboundRequest, InboundResult, InboundVerifier } from '../api.js';
import {
  checkFresh,
  constantTimeEqual,
  decryptFeishu,
  feishuSignature,
  legacyCardSignature,
  REPLAY_WINDOW_MS,
  verifySigned,
  type SignedHeaders,
} from './callback-crypto.js';
import type { FeishuConfig } from './config.js';
import { isLegacyCard, parseCardAction, parseLegacyCard, parseMessageEvent, type ParsedCallback } from './event-parse.js';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

/** Card callbacks answer with a toast (schema-2.0 format, [U] for legacy cards); events with `{}`. */
export function cardReply(outcome: ChatOutcome): InboundReply {
  return { status: 200, body: { toast: { type: outcome.ok ? 'success' : 'error', content: outcome.text } } };
}
const EMPTY_REPLY: InboundReply = { status: 200, body: {} };

/**
 * The one URL that receives event subscriptions and card callbacks (reference §1.6–1.8), with the
 * checks the SDK leaves out: the signature over the raw body, a ±5 minute replay window, and the
 * verification token, all compared in constant time. With an encrypt_key every request but the
 * URL-verification handshake must be signed; without one, the verification token is all there is,
 * so the event's own create_time must be fresh too, and a request with no time at all is refused.
 */
export function createFeishuInbound(settings: Pick<FeishuConfig, 'encrypt_key' | 'verification_token' | 'bot_open_id'>): InboundVerifier {
  const { encrypt_key: encryptKey, verification_token: verificationToken } = settings;

  const checkToken = (token: unknown, what: string) => {
    if (!verificationToken) return;
    if (typeof token !== 'string' || !constantTimeEqual(token, verificationToken)) {
      throw new UnauthorizedError(`feishu ${what}: verification token mismatch`);
    }
  };

  return {
    handle(request: InboundRequest): InboundResult {
      if (!encryptKey && !verificationToken) {
        throw new UnauthorizedError('feishu callbacks cannot be verified: configure encrypt_key or verification_token');
      }
      const body = parseBody(request.rawBody);
      const headers = signedHeadersOf(request);

      if (isLegacyCard(body)) {
        // Legacy cards are signed with the verification token (sha1); their `token` field is a card-update credential.
        if (!verificationToken) throw new UnauthorizedError('feishu legacy card callback: needs verification_token to verify');
        verifySigned(headers, request.now, (ts, nonce) => legacyCardSignature(ts, nonce, verificationToken, request.rawBody), 'legacy card callback');
        return resultOf(parseLegacyCard(body, headers.timestamp!, request.now), true);
      }

      let payload = body;
      if (typeof body.encrypt === 'string') {
        if (!encryptKey) throw new UnauthorizedError('feishu callback is encrypted but no encrypt_key is configured');
        if (headers.signature) verifyWithKey(headers, request, encryptKey);
        payload = obj(decryptFeishu(body.encrypt, encryptKey));
        // Only the handshake may come unsigned (Feishu sends it so); decrypting it at all proves the key.
        if (!headers.signature && payload.type !== 'url_verification') verifyWithKey(headers, request, encryptKey);
      } else if (encryptKey && body.type !== 'url_verification') {
        verifyWithKey(headers, request, encryptKey);
      } else if (headers.timestamp) {
        checkFresh(headers.timestamp, request.now);
      }

      if (payload.type === 'url_verification') {
        checkToken(payload.token, 'url verification');
        if (typeof payload.challenge !== 'string') throw new ValidationError('feishu url verification without a challenge', { field: 'challenge' });
        return { kind: 'handshake', reply: { status: 200, body: { challenge: payload.challenge } } };
      }

      // Without an encrypt_key nothing is signed: the timestamp header (checked above when sent)
      // is the requester's word, and it may be left off. The event's own time bounds replays too;
      // a request with neither is refused, since a captured one could be replayed forever.
      if (!encryptKey) checkEventFresh(payload, headers, request.now);

      if (payload.schema === '2.0') {
        const header = obj(payload.header);
        const event = obj(payload.event);
        checkToken(header.token, 'event');
        const type = header.event_type;
        if (type === 'im.message.receive_v1') return resultOf(parseMessageEvent(header, event, request.now, settings.bot_open_id), false);
        if (type === 'card.action.trigger') return resultOf(parseCardAction(header, event, request.now), true);
        return { kind: 'ignored', reason: `unhandled feishu event ${String(type)}`, reply: EMPTY_REPLY };
      }

      // v1 events (`{uuid, token, type: 'event_callback', event}`): verified, but warroom uses none of them.
      checkToken(payload.token, 'event');
      if (payload.type === 'event_callback') return { kind: 'ignored', reason: `unhandled feishu v1 event ${String(obj(payload.event).type)}`, reply: EMPTY_REPLY };
      throw new ValidationError('feishu callback of unknown shape', { field: 'schema' });
    },
  };
}

/**
 * Token-only mode: header.create_time of a schema-2.0 event must be within ±REPLAY_WINDOW_MS of
 * now. Documented in ms; seconds and µs are read as such too (as event-parse's timeOf does), so
 * a unit slip cannot widen the window. A request with neither that nor a timestamp header is
 * refused (the URL-verification handshake, which has neither, is answered before this).
 */
function checkEventFresh(payload: Json, headers: SignedHeaders, now: Date): void {
  const created = payload.schema === '2.0' ? obj(payload.header).create_time : undefined;
  if (created === undefined || created === null || created === '') {
    if (!headers.timestamp) {
      throw new UnauthorizedError('feishu callback has neither a timestamp header nor an event create_time; refused as possibly replayed');
    }
    return;
  }
  const text = typeof created === 'number' ? String(created) : typeof created === 'string' ? created.trim() : '';
  if (!/^\d{1,20}$/.test(text)) throw new UnauthorizedError('feishu callback: malformed event create_time');
  const n = Number(text);
  const ms = n < 1e11 ? n * 1000 : n > 1e14 ? Math.floor(n / 1000) : n;
  if (Math.abs(now.getTime() - ms) > REPLAY_WINDOW_MS) {
    throw new UnauthorizedError('feishu callback: event create_time outside the 5 minute window (stale or replayed)');
  }
}

function verifyWithKey(headers: SignedHeaders, request: InboundRequest, encryptKey: string): void {
  verifySigned(headers, request.now, (ts, nonce) => feishuSignature(ts, nonce, encryptKey, request.rawBody), 'callback');
}

function resultOf(parsed: ParsedCallback, isCard: boolean): InboundResult {
  if (parsed.kind === 'ignored') return { kind: 'ignored', reason: parsed.reason, reply: EMPTY_REPLY };
  return { kind: 'event', event: parsed.event, reply: isCard ? cardReply : () => EMPTY_REPLY };
}

function parseBody(rawBody: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ValidationError('feishu callback body is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError('feishu callback body is not a JSON object');
  return parsed as Json;
}

function signedHeadersOf(request: InboundRequest): SignedHeaders {
  const get = (name: string): string | undefined => {
    const entry = Object.entries(request.headers).find(([key]) => key.toLowerCase() === name);
    const value = entry?.[1];
    return Array.isArray(value) ? value[0] : value;
  };
  return { timestamp: get('x-lark-request-timestamp'), nonce: get('x-lark-request-nonce'), signature: get('x-lark-signature') };
}
