import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { PermanentError } from '../../kernel/index.js';
import {
  encodeMessageRef,
  type ChannelSender,
  type ChatCapabilities,
  type DirectoryLookup,
  type MessageDoc,
  type MessageRef,
  type NotificationProvider,
} from '../api.js';
import { DEFAULT_SLACK_API_URL, slackConfigSchema, type SlackConfigInput } from './config.js';
import { callSlack, slackErrorCode } from './errors.js';
import { createSlackInbound } from './inbound.js';
import { renderSlackBlocks } from './render.js';
import { createSlackRooms } from './rooms.js';

export { slackConfigSchema, type SlackConfig, type SlackConfigInput } from './config.js';
export { renderSlackBlocks, escapeMrkdwn, applicableActions, ACTION_PREFIX, LINK_ACTION_ID, type SlackMessage, type SlackBlock } from './render.js';
export { createSlackInbound, verifySlackSignature, REPLAY_WINDOW_SEC } from './inbound.js';
export { slackCallError } from './errors.js';
export { roomMarker, slackChannelName, suffixedChannelName } from './rooms.js';

/** Slack has no send dedup; this metadata event carries the idempotency key so resends are recognisable. */
export const IDEMPOTENCY_EVENT_TYPE = 'warroom_page';
/** chat.postMessage is about one message per second per channel, with short bursts allowed. */
export const SLACK_POST_INTERVAL_MS = 1000;

export interface SlackProviderDeps {
  /** Replaces global fetch inside the SDK (a proxy agent, a test double). */
  fetch?: typeof fetch;
}

/**
 * Slack through the official Web API client: pages as DMs, war-room channels, live cards edited
 * with chat.update and pinned with pins.add, email lookups and signed callbacks. The SDK neither retries nor sleeps on 429
 * (retries: 0, rejectRateLimitedCalls): warroom retries through durable jobs instead.
 */
export function createSlackProvider(config: SlackConfigInput, deps: SlackProviderDeps = {}): NotificationProvider {
  const settings = slackConfigSchema.parse(config);
  const client = new WebClient(settings.bot_token, {
    slackApiUrl: settings.api_url ?? DEFAULT_SLACK_API_URL,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: settings.timeout_ms,
    logger: quietLogger,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  const post = async (channel: string, doc: MessageDoc, idempotencyKey: string): Promise<MessageRef> => {
    const message = renderSlackBlocks(doc);
    const result = await callSlack('chat.postMessage', () =>
      client.chat.postMessage({
        channel,
        ...message,
        // Dashboards and runbooks would otherwise unfold into large previews under every page.
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: IDEMPOTENCY_EVENT_TYPE, event_payload: { idempotency_key: idempotencyKey } },
      }),
    );
    // Posting to a user id opens the DM; the answer names the D… channel, which chat.update needs.
    if (!result.channel || !result.ts) throw new PermanentError('slack chat.postMessage answered without channel and ts');
    return { platform: 'slack', chatId: result.channel, messageId: result.ts };
  };

  const directory: DirectoryLookup = {
    async lookupUser(query) {
      // Slack has no lookup by phone number.
      if (!query.email) return null;
      try {
        const result = await callSlack('users.lookupByEmail', () => client.users.lookupByEmail({ email: query.email! }));
        return result.user?.id ?? null;
      } catch (error) {
        if (slackErrorCode(error) === 'users_not_found' || slackErrorCode(error) === 'user_not_found') return null;
        throw error;
      }
    },
  };

  const sender: ChannelSender = {
    channel: 'slack',
    async send(to, doc, options) {
      // Without a stored Slack id, the work email usually names the person in Slack too.
      const userId = to.chatIds.slack?.trim() || (to.email ? await directory.lookupUser({ email: to.email }) : null);
      if (!userId) {
        throw new PermanentError(`recipient ${to.userId} has no Slack user id${to.email ? ' and Slack knows no user with their email' : ''}`);
      }
      return { externalId: encodeMessageRef(await post(userId, doc, options.idempotencyKey)) };
    },
  };

  const chat: ChatCapabilities = {
    platform: 'slack',
    messenger: { post: (target, doc, options) => post(target.id, doc, options.idempotencyKey) },
    updater: {
      async update(ref, doc) {
        await callSlack('chat.update', () => client.chat.update({ channel: ref.chatId, ts: ref.messageId, ...renderSlackBlocks(doc) }));
      },
      async pin(ref) {
        // Needs the pins:write scope. The goal (the card is pinned) already holds on already_pinned.
        try {
          await callSlack('pins.add', () => client.pins.add({ channel: ref.chatId, timestamp: ref.messageId }));
        } catch (error) {
          if (slackErrorCode(error) === 'already_pinned') return;
          throw error;
        }
      },
    },
    rooms: createSlackRooms(client),
    directory,
    inbound: createSlackInbound({ signingSecret: settings.signing_secret }),
    rateRule: (target) => ({ key: `slack:${target.id}`, intervalMs: SLACK_POST_INTERVAL_MS }),
  };

  return {
    info: () => ({ id: 'slack', displayName: 'Slack', channels: ['slack'] }),
    senders: [sender],
    chat,
  };
}

/** The SDK logs request failures at warn; our errors already say what happened. */
const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};
