import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { systemClock } from '../../kernel/index.js';

/**
 * The caller side of Feishu callbacks, for inbound tests: bodies built and signed exactly as
 * Feishu sends them (reference §1.6–1.8, §6 item 12), written out here rather than imported so the
 * fake checks the provider instead of agreeing with it.
 */
export interface CallbackOptions {
  /** Encrypts (unless `encrypt: false`) and signs with sha256(ts + nonce + key + raw body). */
  encryptKey?: string;
  /** Signs a legacy v1 card callback with sha1(ts + nonce + token + raw body). */
  legacyVerificationToken?: string;
  /** Unix seconds; now by default. */
  timestamp?: number | string;
  nonce?: string;
  /** Defaults to true when encryptKey is given. */
  encrypt?: boolean;
  /** Leave the signature headers off (Feishu sends none with the URL-verification handshake). */
  unsigned?: boolean;
  /** Change the body after signing, as a forger in the middle would. */
  tamper?: boolean;
  /** Sign with this key instead of encryptKey (a forger guessing the key). */
  signWithKey?: string;
}

export interface SignedCallback {
  headers: Record<string, string>;
  rawBody: string;
}

/** AES-256-CBC with key sha256(encryptKey), a random 16-byte IV in front, base64. */
export function encryptForFeishu(plain: string, encryptKey: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(encryptKey, 'utf8').digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

export function callbackRequest(body: unknown, options: CallbackOptions = {}): SignedCallback {
  const encrypt = options.encrypt ?? Boolean(options.encryptKey);
  const payload = encrypt && options.encryptKey ? { encrypt: encryptForFeishu(JSON.stringify(body), options.encryptKey) } : body;
  let rawBody = JSON.stringify(payload);
  const timestamp = String(options.timestamp ?? Math.floor(systemClock.now().getTime() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!options.unsigned) {
    const signKey = options.signWithKey ?? options.encryptKey;
    let signature: string | undefined;
    if (options.legacyVerificationToken) {
      signature = createHash('sha1').update(timestamp + nonce + options.legacyVerificationToken + rawBody).digest('hex');
    } else if (signKey) {
      signature = createHash('sha256').update(timestamp + nonce + signKey + rawBody).digest('hex');
    }
    headers['x-lark-request-timestamp'] = timestamp;
    headers['x-lark-request-nonce'] = nonce;
    if (signature) headers['x-lark-signature'] = signature;
  }
  if (options.tamper) rawBody = JSON.stringify({ ...(payload as object), tampered: true });
  return { headers, rawBody };
}

const nowMs = () => String(systemClock.now().getTime());

export function challengeBody(token: string, challenge: string = randomUUID()) {
  return { challenge, token, type: 'url_verification' };
}

export interface CardActionInput {
  openId: string;
  userId?: string;
  messageId: string;
  chatId: string;
  action: string;
  incident: string;
  /** The verification token, carried in header.token. */
  token: string;
  appId?: string;
  eventId?: string;
}

/** card.action.trigger, schema 2.0. */
export function cardActionEnvelope(input: CardActionInput) {
  return {
    schema: '2.0',
    header: {
      event_id: input.eventId ?? randomUUID().replace(/-/g, ''),
      event_type: 'card.action.trigger',
      token: input.token,
      create_time: nowMs(),
      app_id: input.appId ?? 'cli_fake',
      tenant_key: 'fake-tenant',
    },
    event: {
      operator: { open_id: input.openId, ...(input.userId ? { user_id: input.userId } : {}), union_id: `on_${input.openId.slice(3)}` },
      token: `c-${randomBytes(12).toString('hex')}`,
      action: { tag: 'button', value: { action: input.action, incident: input.incident } },
      host: 'im_message',
      context: { open_message_id: input.messageId, open_chat_id: input.chatId },
    },
  };
}

export interface MessageEventInput {
  openId: string;
  chatId: string;
  /** Use `@_user_1`, `@_user_2`… where the mentions go, as Feishu does. */
  text: string;
  mentions?: { openId: string; name: string; userId?: string; bot?: boolean }[];
  chatType?: 'group' | 'p2p';
  senderType?: 'user' | 'app';
  token?: string;
  appId?: string;
  messageId?: string;
  eventId?: string;
}

/** im.message.receive_v1, schema 2.0. */
export function messageEventEnvelope(input: MessageEventInput) {
  const created = nowMs();
  return {
    schema: '2.0',
    header: {
      event_id: input.eventId ?? randomUUID().replace(/-/g, ''),
      event_type: 'im.message.receive_v1',
      token: input.token ?? '',
      create_time: created,
      app_id: input.appId ?? 'cli_fake',
      tenant_key: 'fake-tenant',
    },
    event: {
      sender: { sender_id: { open_id: input.openId, union_id: `on_${input.openId.slice(3)}` }, sender_type: input.senderType ?? 'user', tenant_key: 'fake-tenant' },
      message: {
        message_id: input.messageId ?? `om_${randomBytes(16).toString('hex')}`,
        root_id: '',
        parent_id: '',
        create_time: created,
        chat_id: input.chatId,
        chat_type: input.chatType ?? 'group',
        message_type: 'text',
        content: JSON.stringify({ text: input.text }),
        mentions: (input.mentions ?? []).map((m, i) => ({
          key: `@_user_${i + 1}`,
          id: { open_id: m.openId, union_id: `on_${m.openId.slice(3)}`, user_id: m.bot ? '' : (m.userId ?? '') },
          name: m.name,
          tenant_key: 'fake-tenant',
          ...(m.bot ? { mentioned_type: 'bot' } : {}),
        })),
      },
    },
  };
}

export interface LegacyCardInput {
  openId: string;
  userId?: string;
  messageId: string;
  chatId?: string;
  action: string;
  incident: string;
}

/** A legacy (v1) card callback: ids at the top level, `token` is the card-update credential. */
export function legacyCardBody(input: LegacyCardInput) {
  return {
    open_id: input.openId,
    ...(input.userId ? { user_id: input.userId } : {}),
    open_message_id: input.messageId,
    ...(input.chatId ? { open_chat_id: input.chatId } : {}),
    tenant_key: 'fake-tenant',
    token: `c-${randomBytes(12).toString('hex')}`,
    action: { tag: 'button', value: { action: input.action, incident: input.incident } },
  };
}

/** POSTs a callback to a warroom URL and returns the answer (JSON when it parses). */
export async function postCallback(url: string, envelope: unknown, options: CallbackOptions = {}): Promise<{ status: number; body: unknown }> {
  const { headers, rawBody } = callbackRequest(envelope, options);
  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}
