import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { PermanentError } from '../../kernel/index.js';
import type { RoomManager } from '../api.js';
import { callSlack, slackErrorCode, slackUserErrors } from './errors.js';

// Slack channel names: lowercase letters, digits, - and _, at most 80 characters.
const NAME_MAX = 80;
const PURPOSE_MAX = 250;
/** conversations.invite takes up to 1000 comma-separated users per call. */
const INVITE_BATCH = 1000;
/** The goal (the person is in the channel) already holds. */
const INVITE_TOLERATED = new Set(['already_in_channel', 'cant_invite_self']);
/** Refusals about one person, reported back as invalid members instead of failing the room. */
const INVITE_USER_REFUSALS = new Set([
  'user_not_found',
  'users_not_found',
  'cant_invite',
  'user_is_restricted',
  'user_is_ultra_restricted',
  'user_disabled',
  'invitee_cant_see_channel',
  'no_external_invite_permission',
  'ura_max_channels',
]);
const KICK_TOLERATED = new Set(['not_in_channel', 'cant_kick_self', 'user_not_found']);
/** conversations.list page size: Slack recommends no more than 200 per page. */
const LIST_PAGE = 200;
/** Stops a name lookup after this many pages (40,000 channels); the channel then counts as someone else's. */
const LIST_MAX_PAGES = 200;
const MARKER_SEPARATOR = ' · ';

/** What createRoom needs of a conversation from conversations.list. */
interface ListedChannel {
  id?: string;
  name?: string;
  creator?: string;
  is_archived?: boolean;
  is_member?: boolean;
  purpose?: { value?: string; last_set?: number };
  topic?: { value?: string };
}

/**
 * A valid Slack channel name for a war-room title: `🚨紧急-checkout-INC-12` → `inc-12-checkout`.
 * Accents are folded, anything else outside [a-z0-9_-] becomes a hyphen, and an incident ref
 * moves to the front so that cutting to 80 characters never loses it. '' when nothing is left.
 */
export function slackChannelName(name: string): string {
  let slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  const ref = /(?:^|-)([a-z][a-z0-9]*-\d+)(?=-|$)/.exec(slug);
  if (ref && ref.index > 0) {
    const rest = `${slug.slice(0, ref.index)}${slug.slice(ref.index + ref[0].length)}`.replace(/^-+|-+$/g, '');
    slug = rest ? `${ref[1]}-${rest}` : ref[1]!;
  }
  return slug.slice(0, NAME_MAX).replace(/[-_]+$/, '');
}

/** The name plus a short suffix derived from `seed`, so a retry asks for the same name again. */
export function suffixedChannelName(base: string, seed: string): string {
  const suffix = createHash('sha256').update(seed).digest('hex').slice(0, 6);
  return `${base.slice(0, NAME_MAX - suffix.length - 1).replace(/[-_]+$/, '')}-${suffix}`;
}

/**
 * The mark createRoom leaves in a channel's purpose so that a retry of the same room recognises the
 * channel as its own: `warroom:` and the first 12 hex digits of sha256(idempotency key).
 */
export function roomMarker(idempotencyKey: string): string {
  return `warroom:${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}`;
}

/** The description cut to fit Slack's 250 characters with the marker after it. */
function markedPurpose(description: string | undefined, marker: string): string {
  if (!description) return marker;
  const room = PURPOSE_MAX - MARKER_SEPARATOR.length - marker.length;
  return `${Array.from(description).slice(0, room).join('')}${MARKER_SEPARATOR}${marker}`;
}

/**
 * War rooms as public Slack channels. Slack has no create dedup: a create retried after a lost
 * answer meets name_taken. createRoom then looks the name up and adopts the channel when it is
 * this room's own (see ownChannel); otherwise it tries a suffixed name once. Slack bots cannot
 * delete channels (only an admin API can), so closeRoom archives for both 'archive' and 'disband'.
 */
export function createSlackRooms(client: WebClient): RoomManager {
  // The bot's own user id (auth.test), asked once per provider and only when a name is taken.
  let botUser: Promise<string> | undefined;
  const botUserId = (): Promise<string> => {
    if (!botUser) {
      const asked = callSlack('auth.test', () => client.auth.test()).then((result) => {
        if (!result.user_id) throw new PermanentError('slack auth.test answered without a user id');
        return result.user_id;
      });
      botUser = asked;
      // A failed answer is not remembered: the next lookup asks again.
      asked.catch(() => {
        if (botUser === asked) botUser = undefined;
      });
    }
    return botUser;
  };

  /** The unarchived public channel called `name`, paging conversations.list until it shows up. */
  const findChannel = async (name: string): Promise<ListedChannel | undefined> => {
    let cursor: string | undefined;
    for (let page = 0; page < LIST_MAX_PAGES; page += 1) {
      const result = await callSlack('conversations.list', () =>
        client.conversations.list({ types: 'public_channel', exclude_archived: true, limit: LIST_PAGE, ...(cursor ? { cursor } : {}) }),
      );
      const found = (result.channels as ListedChannel[] | undefined)?.find((c) => c.name === name);
      if (found) return found;
      cursor = result.response_metadata?.next_cursor;
      if (!cursor) return undefined;
    }
    return undefined;
  };

  /**
   * The id of the channel called `name` when it is this room's own: the bot made it and is still
   * in it, and either its purpose or topic carries the room's marker, or it has never had a purpose
   * or topic at all: createRoom sets the purpose right after creating, so such a channel is one
   * whose create answer (or purpose call) was lost. Anything else is someone else's channel.
   * Refusals of the lookup itself (missing_scope without channels:read…) count as someone else's, so
   * createRoom falls back to a suffixed name; throttling and outages are thrown to be retried.
   */
  const ownChannel = async (name: string, marker: string): Promise<string | undefined> => {
    try {
      const channel = await findChannel(name);
      if (!channel?.id || channel.is_archived || channel.is_member === false) return undefined;
      if (channel.creator !== (await botUserId())) return undefined;
      const purpose = channel.purpose?.value ?? '';
      const topic = channel.topic?.value ?? '';
      if (purpose.includes(marker) || topic.includes(marker)) return channel.id;
      const neverDescribed = !purpose && !topic && !(Number(channel.purpose?.last_set) > 0);
      return neverDescribed ? channel.id : undefined;
    } catch (error) {
      if (slackErrorCode(error)) return undefined;
      throw error;
    }
  };

  /** Creates a channel called `name`, or adopts this room's own channel when the name is taken. */
  const createOrAdopt = async (name: string, marker: string): Promise<string> => {
    try {
      const result = await callSlack('conversations.create', () => client.conversations.create({ name, is_private: false }));
      if (!result.channel?.id) throw new PermanentError('slack conversations.create answered without a channel id');
      return result.channel.id;
    } catch (error) {
      if (slackErrorCode(error) !== 'name_taken') throw error;
      const own = await ownChannel(name, marker);
      if (own) return own;
      throw error;
    }
  };

  const inviteBatch = async (channel: string, users: string[]): Promise<string[]> => {
    try {
      // force: invite the valid users even when some are refused (Slack otherwise invites no one).
      await callSlack('conversations.invite', () => client.conversations.invite({ channel, users: users.join(','), force: true }));
      return [];
    } catch (error) {
      const code = slackErrorCode(error);
      if (!code) throw error;
      const perUser = slackUserErrors(error).filter((e) => users.includes(e.user));
      if (perUser.length > 0) {
        const refused = perUser.filter((e) => !INVITE_TOLERATED.has(e.error)).map((e) => e.user);
        // Whether Slack invited the others despite the refusals is not documented; asking again is harmless.
        const rest = users.filter((u) => !perUser.some((e) => e.user === u));
        return [...refused, ...(rest.length > 0 ? await inviteBatch(channel, rest) : [])];
      }
      if (!INVITE_TOLERATED.has(code) && !INVITE_USER_REFUSALS.has(code)) throw error;
      if (users.length === 1) return INVITE_USER_REFUSALS.has(code) ? users : [];
      // Slack named no culprit: find it by asking for each person on their own.
      const refused: string[] = [];
      for (const user of users) refused.push(...(await inviteBatch(channel, [user])));
      return refused;
    }
  };

  const invite = async (channel: string, memberIds: string[]): Promise<{ invalidMemberIds: string[] }> => {
    const unique = [...new Set(memberIds.filter(Boolean))];
    const invalidMemberIds: string[] = [];
    for (let i = 0; i < unique.length; i += INVITE_BATCH) invalidMemberIds.push(...(await inviteBatch(channel, unique.slice(i, i + INVITE_BATCH))));
    return { invalidMemberIds };
  };

  const setPurpose = (channel: string, purpose: string) =>
    callSlack('conversations.setPurpose', () => client.conversations.setPurpose({ channel, purpose: Array.from(purpose).slice(0, PURPOSE_MAX).join('') }));

  /** Tries `name`, and once more with a suffix from `seed` when Slack says it is taken. */
  const withFreeName = async <T>(name: string, seed: string, attempt: (name: string) => Promise<T>): Promise<T> => {
    try {
      return await attempt(name);
    } catch (error) {
      if (slackErrorCode(error) !== 'name_taken') throw error;
      return attempt(suffixedChannelName(name, seed));
    }
  };

  return {
    async createRoom(spec) {
      const name = slackChannelName(spec.name) || suffixedChannelName('incident', spec.idempotencyKey);
      const marker = roomMarker(spec.idempotencyKey);
      const chatId = await withFreeName(name, spec.idempotencyKey, (candidate) => createOrAdopt(candidate, marker));
      // Always, even without a description: the marker is what lets a retry adopt this channel.
      await setPurpose(chatId, markedPurpose(spec.description, marker));
      // Slack has no channel owner a bot can set; the owner is invited like everyone else.
      const { invalidMemberIds } = await invite(chatId, [...(spec.ownerId ? [spec.ownerId] : []), ...spec.memberIds]);
      return { chatId, invalidMemberIds };
    },

    addMembers: (chatId, memberIds) => invite(chatId, memberIds),

    async removeMembers(chatId, memberIds) {
      // conversations.kick takes one user per call.
      for (const user of new Set(memberIds)) {
        try {
          await callSlack('conversations.kick', () => client.conversations.kick({ channel: chatId, user }));
        } catch (error) {
          if (!KICK_TOLERATED.has(slackErrorCode(error) ?? '')) throw error;
        }
      }
    },

    async renameRoom(chatId, name, description) {
      const slug = slackChannelName(name) || suffixedChannelName('incident', chatId);
      await withFreeName(slug, chatId, (candidate) => callSlack('conversations.rename', () => client.conversations.rename({ channel: chatId, name: candidate })));
      if (description !== undefined) await setPurpose(chatId, description);
    },

    async closeRoom(chatId, _mode) {
      try {
        await callSlack('conversations.archive', () => client.conversations.archive({ channel: chatId }));
      } catch (error) {
        if (slackErrorCode(error) !== 'already_archived') throw error;
      }
    },
  };
}
