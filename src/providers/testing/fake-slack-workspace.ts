import type { Clock } from '../../kernel/index.js';

/** Someone in the fake workspace's directory. */
export interface FakeSlackUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  archived: boolean;
  purpose: string;
  /** Unix seconds of the last conversations.setPurpose; 0 while the purpose was never set. */
  purposeSetAt: number;
  topic: string;
  /** Who made the channel: the bot for conversations.create, SEED_CREATOR (or as seeded) otherwise. */
  creator: string;
  /** Unix seconds. */
  created: number;
  members: string[];
  /** Made by seedChannel() rather than through the API; survives reset(). */
  seeded: boolean;
}

/** Who made a seeded channel unless told otherwise: a person, not the bot. */
export const SEED_CREATOR = 'U0WSADMIN1';

/** A channel that exists before the test; the bot is always in it. */
export interface FakeSlackSeed {
  /** The channel's creator; SEED_CREATOR (a person) by default. */
  creator?: string;
  purpose?: string;
  topic?: string;
}

/** conversations.list parameters as received. */
export interface FakeSlackListQuery {
  types?: string;
  excludeArchived?: boolean;
  limit?: string;
  cursor?: string;
}

/** A Slack platform error: HTTP 200 with {ok:false, error: code}. */
export class SlackApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export interface SlackWorkspace {
  /** The channel chat.postMessage writes to: a user id opens (and names) the DM. */
  postableChannel(channel: string): string;
  nextTs(): string;
  rememberMessage(channel: string, ts: string): void;
  requireMessage(channel: string, ts: string): void;
  /** pins.add: the message must exist where the bot can see it; already_pinned on a repeat. */
  pin(channel: string, ts: string): void;
  pins(): { channel: string; ts: string }[];
  create(name: string, isPrivate: boolean): Record<string, unknown>;
  invite(channel: string, users: string[], force: boolean): { channel: Record<string, unknown>; errors: { user: string; error: string }[] };
  kick(channel: string, user: string): void;
  rename(channel: string, name: string): Record<string, unknown>;
  setPurpose(channel: string, purpose: string): Record<string, unknown>;
  archive(channel: string): void;
  /** conversations.list: public channels, and private ones the bot is in, paged with an opaque cursor. */
  list(query: FakeSlackListQuery): { channels: Record<string, unknown>[]; nextCursor: string };
  lookupByEmail(email: string): Record<string, unknown>;
  channels(): FakeSlackChannel[];
  users(): FakeSlackUser[];
  addUser(user: FakeSlackUser): void;
  seed(name: string, members: string[], options?: FakeSlackSeed): string;
  reset(): void;
}

const NAME_MAX = 80;
const PURPOSE_MAX = 250;
const INVITE_MAX = 1000;
const LIST_DEFAULT = 100;
const LIST_MAX = 1000;
const LIST_TYPES = new Set(['public_channel', 'private_channel', 'mpim', 'im']);
const CURSOR_PREFIX = 'fake-cursor:';

/** The workspace state behind the fake's methods, with Slack's documented refusals. */
export function createSlackWorkspace(options: { botUserId: string; users: FakeSlackUser[]; clock: Clock }): SlackWorkspace {
  const { botUserId, clock } = options;
  const users = new Map(options.users.map((u) => [u.id, { ...u }]));
  let channels = new Map<string, FakeSlackChannel>();
  const seeds: FakeSlackChannel[] = [];
  let messageKeys = new Set<string>();
  let pinned: { channel: string; ts: string }[] = [];
  let channelSeq = 0;
  let tsSeq = 99;

  const seconds = () => Math.floor(clock.now().getTime() / 1000);
  const newChannel = (name: string, isPrivate: boolean, members: string[], creator: string, seeded: boolean): FakeSlackChannel => {
    channelSeq += 1;
    return {
      id: `C${String(channelSeq).padStart(9, '0')}`,
      name,
      isPrivate,
      archived: false,
      purpose: '',
      purposeSetAt: 0,
      topic: '',
      creator,
      created: seconds(),
      members: [botUserId, ...members],
      seeded,
    };
  };
  const dmOf = (userId: string) => `D${userId.slice(1)}`;
  const dmUser = (channel: string) => [...users.keys()].find((id) => dmOf(id) === channel);
  const channelOf = (id: string): FakeSlackChannel => {
    const channel = channels.get(id);
    if (!channel) throw new SlackApiError('channel_not_found');
    return channel;
  };
  // Most conversation methods refuse archived channels and channels the bot is not in.
  const usableChannel = (id: string): FakeSlackChannel => {
    const channel = channelOf(id);
    if (channel.archived) throw new SlackApiError('is_archived');
    if (!channel.members.includes(botUserId)) throw new SlackApiError('not_in_channel');
    return channel;
  };
  // A DM with a person in the directory, or a channel the bot can use, holding that message.
  const requireMessage = (channel: string, ts: string) => {
    if (!(channel.startsWith('D') && dmUser(channel))) usableChannel(channel);
    if (!messageKeys.has(`${channel}/${ts}`)) throw new SlackApiError('message_not_found');
  };
  const checkName = (name: string, except?: string) => {
    if (!name) throw new SlackApiError('invalid_name_required');
    if (name.length > NAME_MAX) throw new SlackApiError('invalid_name_maxlength');
    if (/[^a-z0-9_-]/.test(name)) throw new SlackApiError('invalid_name_specials');
    if (/^[-_]+$/.test(name)) throw new SlackApiError('invalid_name_punctuation');
    // Archived channels keep their names.
    if ([...channels.values()].some((c) => c.name === name && c.id !== except)) throw new SlackApiError('name_taken');
  };
  const json = (c: FakeSlackChannel) => ({
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    is_channel: !c.isPrivate,
    is_group: c.isPrivate,
    is_private: c.isPrivate,
    is_archived: c.archived,
    is_member: c.members.includes(botUserId),
    created: c.created,
    creator: c.creator,
    purpose: { value: c.purpose, creator: c.purposeSetAt ? botUserId : '', last_set: c.purposeSetAt },
    topic: { value: c.topic, creator: c.topic ? c.creator : '', last_set: c.topic ? c.created : 0 },
    num_members: c.members.length,
  });

  return {
    postableChannel(channel) {
      if (users.has(channel)) return dmOf(channel);
      if (channel.startsWith('D') && dmUser(channel)) return channel;
      return usableChannel(channel).id;
    },
    nextTs() {
      tsSeq += 1;
      return `${Math.floor(clock.now().getTime() / 1000)}.${String(tsSeq % 1_000_000).padStart(6, '0')}`;
    },
    rememberMessage: (channel, ts) => void messageKeys.add(`${channel}/${ts}`),
    requireMessage,
    pin(channel, ts) {
      if (!ts) throw new SlackApiError('no_item_specified');
      requireMessage(channel, ts);
      if (pinned.some((p) => p.channel === channel && p.ts === ts)) throw new SlackApiError('already_pinned');
      pinned.push({ channel, ts });
    },
    pins: () => pinned.map((p) => ({ ...p })),
    create(name, isPrivate) {
      checkName(name);
      const channel = newChannel(name, isPrivate, [], botUserId, false);
      channels.set(channel.id, channel);
      return json(channel);
    },
    invite(id, invited, force) {
      const channel = usableChannel(id);
      if (invited.length === 0) throw new SlackApiError('no_user');
      if (invited.length > INVITE_MAX) throw new SlackApiError('too_many_users');
      const errors: { user: string; error: string }[] = [];
      for (const user of new Set(invited)) {
        if (user === botUserId) errors.push({ user, error: 'cant_invite_self' });
        else if (!users.has(user)) errors.push({ user, error: 'user_not_found' });
        else if (channel.members.includes(user)) errors.push({ user, error: 'already_in_channel' });
      }
      // Without force, one refusal means nobody is invited (conversations.invite "partially failed calls").
      if (errors.length === 0 || force) {
        for (const user of new Set(invited)) if (!errors.some((e) => e.user === user)) channel.members.push(user);
      }
      return { channel: json(channel), errors };
    },
    kick(id, user) {
      const channel = usableChannel(id);
      if (user === botUserId) throw new SlackApiError('cant_kick_self');
      if (!users.has(user)) throw new SlackApiError('user_not_found');
      if (!channel.members.includes(user)) throw new SlackApiError('not_in_channel');
      channel.members = channel.members.filter((m) => m !== user);
    },
    rename(id, name) {
      const channel = usableChannel(id);
      checkName(name, id);
      channel.name = name;
      return json(channel);
    },
    setPurpose(id, purpose) {
      const channel = usableChannel(id);
      if (purpose.length > PURPOSE_MAX) throw new SlackApiError('too_long');
      channel.purpose = purpose;
      channel.purposeSetAt = seconds();
      return json(channel);
    },
    archive(id) {
      const channel = channelOf(id);
      if (channel.archived) throw new SlackApiError('already_archived');
      channel.archived = true;
    },
    list(query) {
      const types = (query.types || 'public_channel').split(',').map((t) => t.trim());
      if (types.some((t) => !LIST_TYPES.has(t))) throw new SlackApiError('invalid_types');
      const limit = query.limit === undefined || query.limit === '' ? LIST_DEFAULT : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX) throw new SlackApiError('invalid_limit');
      let offset = 0;
      if (query.cursor) {
        const decoded = Buffer.from(query.cursor, 'base64').toString('utf8');
        offset = decoded.startsWith(CURSOR_PREFIX) ? Number(decoded.slice(CURSOR_PREFIX.length)) : NaN;
        if (!Number.isInteger(offset) || offset < 0) throw new SlackApiError('invalid_cursor');
      }
      // DMs and group DMs are not modelled as channels here; private channels only show to members.
      const visible = [...channels.values()].filter(
        (c) =>
          !(query.excludeArchived && c.archived) &&
          (c.isPrivate ? types.includes('private_channel') && c.members.includes(botUserId) : types.includes('public_channel')),
      );
      const page = visible.slice(offset, offset + limit);
      const next = offset + limit < visible.length ? Buffer.from(`${CURSOR_PREFIX}${offset + limit}`).toString('base64') : '';
      return { channels: page.map(json), nextCursor: next };
    },
    lookupByEmail(email) {
      if (!email) throw new SlackApiError('invalid_arguments');
      const user = [...users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
      if (!user) throw new SlackApiError('users_not_found');
      return { id: user.id, name: user.name, profile: { email: user.email } };
    },
    channels: () => [...channels.values()].map((c) => ({ ...c, members: [...c.members] })),
    users: () => [...users.values()].map((u) => ({ ...u })),
    addUser: (user) => void users.set(user.id, { ...user }),
    seed(name, members, seedOptions = {}) {
      checkName(name);
      const channel = newChannel(name, false, members, seedOptions.creator ?? SEED_CREATOR, true);
      channel.purpose = seedOptions.purpose ?? '';
      channel.purposeSetAt = channel.purpose ? channel.created : 0;
      channel.topic = seedOptions.topic ?? '';
      seeds.push({ ...channel, members: [...channel.members] });
      channels.set(channel.id, channel);
      return channel.id;
    },
    reset() {
      channels = new Map(seeds.map((s) => [s.id, { ...s, members: [...s.members] }]));
      messageKeys = new Set();
      pinned = [];
    },
  };
}
