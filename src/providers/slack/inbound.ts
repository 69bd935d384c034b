import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UnauthorizedError, ValidationError } from '../../kernel/index.js';
import type { ChatActor, ChatEvent, InboundReply, InboundRequest, InboundResult, InboundVerifier, MessageAction } from '../api.js';
import { ACTION_PREFIX } from './render.js';

/** Slack's documented replay window; we apply it both ways so a skewed or forged future stamp fails too. */
export const REPLAY_WINDOW_SEC = 300;
const CALLBACK_ACTIONS: readonly MessageAction['id'][] = ['ack', 'resolve', 'escalate', 'view'];

/** Events API: any 200 will do; Slack retries (x-slack-retry-num) on anything else or after 3 s. */
const EVENT_ACK: InboundReply = { status: 200, body: {} };
/**
 * Interactivity: an empty 200, as bolt's ack() sends. Slack shows nothing from this body for
 * block_actions (answers go through response_url or chat.update), so the outcome is not echoed.
 */
const INTERACTION_ACK: InboundReply = { status: 200, body: '', contentType: 'text/plain' };

/**
 * Throws UnauthorizedError unless X-Slack-Signature is `v0=` + hex HMAC-SHA256(signing secret,
 * `v0:{timestamp}:{raw body}`) and the timestamp is within 5 minutes of `now`. Pass the body
 * exactly as received: a re-serialised body does not match.
 */
export function verifySlackSignature(rawBody: Buffer | string, headers: InboundRequest['headers'], signingSecret: string, now: Date): void {
  const timestamp = header(headers, 'x-slack-request-timestamp');
  const signature = header(headers, 'x-slack-signature');
  if (!timestamp) throw new UnauthorizedError('slack request has no X-Slack-Request-Timestamp header');
  if (!signature) throw new UnauthorizedError('slack request has no X-Slack-Signature header');
  if (!/^\d{1,12}$/.test(timestamp)) throw new UnauthorizedError('slack request timestamp is malformed');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > REPLAY_WINDOW_SEC) {
    throw new UnauthorizedError('slack request timestamp is outside the 5-minute replay window');
  }
  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthorizedError('slack request signature does not match');
  }
}

/**
 * One request URL takes both Events API JSON and interactivity form posts (`payload=<json>`).
 * Everything but Slack's unsigned ssl_check probe is verified before it is parsed.
 */
export function createSlackInbound(options: { signingSecret: string }): InboundVerifier {
  return {
    handle(request: InboundRequest): InboundResult {
      const raw = request.rawBody.toString('utf8');
      const form = isForm(request.headers, raw) ? new URLSearchParams(raw) : null;
      // Bolt answers these without verification too: the probe only checks our TLS certificate.
      if (form?.get('ssl_check') === '1') return { kind: 'handshake', reply: INTERACTION_ACK };
      verifySlackSignature(request.rawBody, request.headers, options.signingSecret, request.now);
      if (form) return handleInteraction(form, request.now);
      return handleEvent(parseJson(raw, 'event body'), request.now);
    },
  };
}

const envelopeSchema = z.object({ type: z.string().min(1) });
const urlVerificationSchema = z.object({ challenge: z.string().min(1).max(1000) });
const eventCallbackSchema = z.object({
  event_id: z.string().min(1),
  event_time: z.number().optional(),
  authorizations: z.array(z.object({ user_id: z.string().optional() })).optional(),
  event: z.object({
    type: z.string().min(1),
    subtype: z.string().nullish(),
    bot_id: z.string().nullish(),
    user: z.string().optional(),
    channel: z.string().optional(),
    channel_type: z.string().optional(),
    text: z.string().optional(),
    ts: z.string().optional(),
  }),
});
const messageEventSchema = z.object({ user: z.string().min(1), channel: z.string().min(1), ts: z.string().min(1) });
const blockActionsSchema = z.object({
  trigger_id: z.string().optional(),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: z.string().min(1) }).nullish(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).nullish(),
  message: z.object({ ts: z.string().min(1) }).nullish(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })).min(1),
});

function handleEvent(body: unknown, now: Date): InboundResult {
  const { type } = parse(envelopeSchema, body, 'slack event');
  if (type === 'url_verification') {
    const { challenge } = parse(urlVerificationSchema, body, 'slack url_verification');
    return { kind: 'handshake', reply: { status: 200, body: { challenge } } };
  }
  if (type !== 'event_callback') return ignored(`event envelope ${type}`, EVENT_ACK);
  const envelope = parse(eventCallbackSchema, body, 'slack event_callback');
  const { event } = envelope;
  if (event.type !== 'message' && event.type !== 'app_mention') return ignored(`event type ${event.type}`, EVENT_ACK);
  if (event.subtype) return ignored(`message subtype ${event.subtype}`, EVENT_ACK);
  const botUserId = envelope.authorizations?.[0]?.user_id;
  if (event.bot_id || (botUserId && event.user === botUserId)) return ignored('message from a bot', EVENT_ACK);
  const { user, channel, ts } = parse(messageEventSchema, event, 'slack message event');
  const { text, mentions } = plainText(event.text ?? '');
  const chatEvent: ChatEvent = {
    type: 'message',
    platform: 'slack',
    eventId: envelope.event_id,
    chatId: channel,
    chatType: event.channel_type === 'im' ? 'direct' : 'group',
    messageId: ts,
    sender: { ids: [user] },
    text,
    // The bot is reported through mentionsBot, so commands see only the people named.
    mentions: mentions.filter((m) => m.ids[0] !== botUserId),
    // app_mention fires only when the app itself is mentioned.
    mentionsBot: event.type === 'app_mention' || (botUserId !== undefined && mentions.some((m) => m.ids[0] === botUserId)),
    at: envelope.event_time !== undefined ? new Date(envelope.event_time * 1000) : slackTime(ts, now),
  };
  return { kind: 'event', event: chatEvent, reply: () => EVENT_ACK };
}

function handleInteraction(form: URLSearchParams, now: Date): InboundResult {
  const payload = form.get('payload');
  if (payload === null) {
    if (form.has('command')) return ignored('slash command', INTERACTION_ACK);
    throw new ValidationError('slack form post has no payload field', { field: 'payload' });
  }
  const body = parseJson(payload, 'interaction payload');
  const { type } = parse(envelopeSchema, body, 'slack interaction');
  if (type !== 'block_actions') return ignored(`interaction type ${type}`, INTERACTION_ACK);
  const interaction = parse(blockActionsSchema, body, 'slack block_actions');
  const clicked = interaction.actions.find((a) => a.action_id.startsWith(ACTION_PREFIX));
  if (!clicked) return ignored(`action ${interaction.actions[0]!.action_id} is not warroom's`, INTERACTION_ACK);
  const action = clicked.action_id.slice(ACTION_PREFIX.length) as MessageAction['id'];
  if (!CALLBACK_ACTIONS.includes(action)) return ignored(`unknown warroom action ${action}`, INTERACTION_ACK);
  if (!clicked.value) throw new ValidationError('slack block_actions: the button has no incident value', { field: 'actions.0.value' });

  const chatId = interaction.channel?.id ?? interaction.container?.channel_id;
  const messageId = interaction.message?.ts ?? interaction.container?.message_ts;
  const sender: ChatActor = { ids: [interaction.user.id] };
  const name = interaction.user.username ?? interaction.user.name;
  if (name) sender.name = name;
  const event: ChatEvent = {
    type: 'action',
    platform: 'slack',
    // trigger_id is unique per click; without it, the click's own timestamp and clicker are.
    eventId: interaction.trigger_id ? `action:${interaction.trigger_id}` : `action:${messageId ?? ''}:${clicked.action_ts ?? ''}:${interaction.user.id}`,
    action,
    incidentRef: clicked.value,
    sender,
    ...(chatId && messageId ? { message: { platform: 'slack' as const, chatId, messageId } } : {}),
    at: slackTime(clicked.action_ts, now),
  };
  return { kind: 'event', event, reply: () => INTERACTION_ACK };
}

/**
 * Slack's message markup as plain text: `<@U1>` mentions are taken out into `mentions`,
 * `<!channel>`-style broadcasts dropped, links and channel references shown by their label.
 */
export function plainText(markup: string): { text: string; mentions: ChatActor[] } {
  const mentions: ChatActor[] = [];
  const text = markup
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_match, id: string, name?: string) => {
      if (!mentions.some((m) => m.ids[0] === id)) mentions.push(name ? { ids: [id], name } : { ids: [id] });
      return ' ';
    })
    .replace(/<!(?:[^>|]*)(?:\|([^>]*))?>/g, ' ')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<([^>|]+)\|([^>]*)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return { text, mentions };
}

function ignored(reason: string, reply: InboundReply): InboundResult {
  return { kind: 'ignored', reason, reply };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(root)';
  throw new ValidationError(`${what}: ${field} ${issue?.message ?? 'is invalid'}`, { field });
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError(`slack ${what} is not valid JSON`);
  }
}

function isForm(headers: InboundRequest['headers'], raw: string): boolean {
  const type = header(headers, 'content-type')?.toLowerCase() ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return true;
  if (type.includes('json')) return false;
  return !raw.trimStart().startsWith('{');
}

/** Slack timestamps are "seconds.micros" strings. */
function slackTime(ts: string | undefined, fallback: Date): Date {
  const seconds = Number(ts);
  return ts && Number.isFinite(seconds) ? new Date(Math.round(seconds * 1000)) : fallback;
}

function header(headers: InboundRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
