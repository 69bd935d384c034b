import { createHmac, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../kernel/index.js';

/**
 * Slack as the caller: builders for the bodies Slack POSTs to an app's request URL (Events API
 * JSON, interactivity `payload=<json>` forms) and its request signature. The signature is
 * written out here rather than imported, so the fake checks the provider instead of agreeing with it.
 */

export interface SlackInboundBody {
  rawBody: string;
  contentType: string;
}

export interface SignOptions {
  signingSecret: string;
  /** Unix seconds; now when absent. */
  timestamp?: number;
  /** Corrupt the signature (one hex digit changed). */
  tamper?: boolean;
  clock?: Clock;
}

export interface InboundPostOptions extends Omit<SignOptions, 'signingSecret'> {
  signingSecret: string;
  /** Sets X-Slack-Retry-Num (and a retry reason), as Slack's redeliveries carry. */
  retryNum?: number;
  /** Headers added or overriding the signed ones (e.g. to drop the signature). */
  headers?: Record<string, string>;
}

export interface InboundResponse {
  status: number;
  contentType: string | null;
  body: string;
  elapsedMs: number;
}

const TEAM = { id: 'T0FAKETEAM', domain: 'warroom-fake' };
const APP_ID = 'A0FAKEAPP1';

/** `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`), from Slack's "Verifying requests" guide. */
export function slackSignature(rawBody: string, signingSecret: string, timestamp: number): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex')}`;
}

/** The two headers Slack signs a request with. */
export function signedRequest(rawBody: string, options: SignOptions): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor((options.clock ?? systemClock).now().getTime() / 1000);
  let signature = slackSignature(rawBody, options.signingSecret, timestamp);
  if (options.tamper) signature = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface BlockActionArgs {
  userId: string;
  userName?: string;
  channelId: string;
  /** The ts of the message whose button was clicked. */
  ts: string;
  /** warroom's action (ack, resolve…), sent as action_id `warroom:<action>`; or a full actionId. */
  action?: string;
  actionId?: string;
  incident: string;
  triggerId?: string;
  actionTs?: string;
  /** Buttons inside an attachment report a message_attachment container. */
  inAttachment?: boolean;
}

/** An interactivity POST for a button click, shaped as bolt's BlockAction type (reference §4.4). */
export function blockAction(args: BlockActionArgs): SlackInboundBody {
  const actionId = args.actionId ?? `warroom:${args.action ?? 'ack'}`;
  const payload = {
    type: 'block_actions',
    token: 'legacy-verification-token',
    api_app_id: APP_ID,
    trigger_id: args.triggerId ?? `${Date.UTC(2026, 0, 5)}.${randomBytes(6).toString('hex')}`,
    response_url: `https://hooks.slack.com/actions/${TEAM.id}/1/${randomBytes(8).toString('hex')}`,
    team: TEAM,
    user: { id: args.userId, username: args.userName ?? 'alice', name: args.userName ?? 'alice', team_id: TEAM.id },
    channel: { id: args.channelId, name: 'inc-7-checkout' },
    message: { type: 'message', ts: args.ts, text: 'incident card', user: 'U0WARROOMB' },
    container: args.inAttachment
      ? { type: 'message_attachment', message_ts: args.ts, attachment_id: 1, channel_id: args.channelId, is_ephemeral: false, is_app_unfurl: false }
      : { type: 'message', message_ts: args.ts, channel_id: args.channelId, is_ephemeral: false },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'b1',
        value: args.incident,
        text: { type: 'plain_text', text: 'Acknowledge', emoji: true },
        action_ts: args.actionTs ?? '1767603600.123456',
      },
    ],
  };
  return { rawBody: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

export interface EventCallbackArgs {
  type?: 'message' | 'app_mention' | string;
  userId?: string;
  channelId?: string;
  channelType?: 'channel' | 'group' | 'im' | 'mpim';
  text?: string;
  ts?: string;
  eventId?: string;
  eventTime?: number;
  botUserId?: string;
  botId?: string;
  subtype?: string;
}

/** An Events API `event_callback` envelope around a message or app_mention event. */
export function eventCallback(args: EventCallbackArgs = {}): SlackInboundBody {
  const type = args.type ?? 'message';
  const ts = args.ts ?? '1767603600.000200';
  const event: Record<string, unknown> = {
    type,
    user: args.userId ?? 'U0ALICE001',
    text: args.text ?? 'hello',
    ts,
    event_ts: ts,
    channel: args.channelId ?? 'C000000001',
  };
  if (type === 'message') event.channel_type = args.channelType ?? 'channel';
  if (args.botId) event.bot_id = args.botId;
  if (args.subtype) event.subtype = args.subtype;
  const envelope = {
    token: 'legacy-verification-token',
    team_id: TEAM.id,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: args.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: args.eventTime ?? Math.floor(Number(ts)),
    authorizations: [{ enterprise_id: null, team_id: TEAM.id, user_id: args.botUserId ?? 'U0WARROOMB', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
  return { rawBody: JSON.stringify(envelope), contentType: 'application/json' };
}

/** The challenge Slack sends when a request URL is saved. */
export function urlVerification(challenge: string): SlackInboundBody {
  return { rawBody: JSON.stringify({ token: 'legacy-verification-token', challenge, type: 'url_verification' }), contentType: 'application/json' };
}

/** Slack's periodic certificate probe for slash-command and interactivity URLs. */
export function sslCheck(): SlackInboundBody {
  return { rawBody: 'ssl_check=1&token=legacy-verification-token', contentType: 'application/x-www-form-urlencoded' };
}

/** POSTs a body to warroom as Slack would, signed, and reports the answer and how long it took. */
export async function postInbound(url: string, body: SlackInboundBody, options: InboundPostOptions): Promise<InboundResponse> {
  const clock = options.clock ?? systemClock;
  const headers: Record<string, string> = {
    'content-type': body.contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signedRequest(body.rawBody, options),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = clock.now().getTime();
  const response = await fetch(url, { method: 'POST', headers: { ...headers, ...options.headers }, body: body.rawBody });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text, elapsedMs: clock.now().getTime() - started };
}
