import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../kernel/index.js';
import type { ChatCapabilities } from '../api.js';
import { SEED_CREATOR, startFakeSlack, type FakeSlack } from '../testing/fake-slack.js';
import { createSlackProvider } from './index.js';
import { roomMarker, slackChannelName, suffixedChannelName } from './rooms.js';

let fake: FakeSlack;
let chat: ChatCapabilities;

beforeAll(async () => {
  fake = await startFakeSlack();
  chat = createSlackProvider({ bot_token: fake.botToken, signing_secret: fake.signingSecret, api_url: fake.apiUrl, timeout_ms: 1000 }).chat!;
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00002';
const CAROL = 'W0CAROL003';
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
const channel = (id: string) => fake.channels().find((c) => c.id === id)!;

describe('slackChannelName', () => {
  it.each([
    ['🚨紧急-checkout-INC-12', 'inc-12-checkout'],
    ['⚠️警告-payments-api-INC-7', 'inc-7-payments-api'],
    ['INC-3', 'inc-3'],
    ['inc-4 Disk full on db.primary', 'inc-4-disk-full-on-db-primary'],
    ['Café Überlastung', 'cafe-uberlastung'],
    ['snake_case_ok', 'snake_case_ok'],
    ['--- ...', ''],
    ['紧急故障', ''],
  ])('%s → %s', (name, expected) => {
    const slug = slackChannelName(name);
    expect(slug).toBe(expected);
    if (slug) expect(slug).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
  });

  it('keeps a long name within 80 characters with the incident ref first', () => {
    const slug = slackChannelName(`🚨紧急-${'very-long-service-name-'.repeat(6)}INC-123456`);
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.startsWith('inc-123456-very-long-service-name')).toBe(true);
    expect(slug).not.toMatch(/-$/);
  });

  it('suffixes deterministically from the seed and stays within 80 characters', () => {
    expect(suffixedChannelName('inc-12-checkout', 'room-key')).toBe(suffixedChannelName('inc-12-checkout', 'room-key'));
    expect(suffixedChannelName('inc-12-checkout', 'room-key')).toMatch(/^inc-12-checkout-[0-9a-f]{6}$/);
    expect(suffixedChannelName('inc-12-checkout', 'other-key')).not.toBe(suffixedChannelName('inc-12-checkout', 'room-key'));
    expect(suffixedChannelName('x'.repeat(80), 'k')).toHaveLength(80);
  });
});

describe('slack rooms', () => {
  it('creates a public channel with a valid name, sets the purpose with the room marker and invites owner and members in one call', async () => {
    const room = await chat.rooms!.createRoom({
      name: '🚨紧急-checkout-INC-12',
      description: 'Checkout errors above 5%',
      ownerId: CAROL,
      memberIds: [ALICE, BOB, ALICE],
      idempotencyKey: 'room:12',
    });
    expect(room.invalidMemberIds).toEqual([]);
    expect(roomMarker('room:12')).toMatch(/^warroom:[0-9a-f]{12}$/);
    expect(channel(room.chatId)).toMatchObject({ name: 'inc-12-checkout', isPrivate: false, purpose: `Checkout errors above 5% · ${roomMarker('room:12')}`, archived: false });
    expect(channel(room.chatId).members.sort()).toEqual([fake.botUserId, ALICE, BOB, CAROL].sort());
    expect(fake.invites()).toEqual([{ channel: room.chatId, users: [CAROL, ALICE, BOB], force: true, errors: [] }]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/conversations.create', '/api/conversations.setPurpose', '/api/conversations.invite']);
  });

  it('reports unknown people as invalid members while still inviting the rest, and tolerates the bot itself', async () => {
    const room = await chat.rooms!.createRoom({ name: 'INC-13', memberIds: [ALICE, 'U0NOBODY99', fake.botUserId, BOB], idempotencyKey: 'room:13' });
    expect(room.invalidMemberIds).toEqual(['U0NOBODY99']);
    expect(channel(room.chatId).members.sort()).toEqual([fake.botUserId, ALICE, BOB].sort());
  });

  it('on name_taken by a channel a person made, retries once with a suffix from the idempotency key', async () => {
    fake.seedChannel('inc-14-search');
    const room = await chat.rooms!.createRoom({ name: 'INC-14 search', memberIds: [ALICE], idempotencyKey: 'room:14' });
    expect(channel(room.chatId)).toMatchObject({ name: suffixedChannelName('inc-14-search', 'room:14'), creator: fake.botUserId, purpose: roomMarker('room:14') });
    expect(channel(room.chatId).members).toContain(ALICE);
    expect(fake.channels().filter((c) => !c.seeded)).toHaveLength(1);
  });

  it('a second clash, both names held by channels that are not this room\'s, is permanent', async () => {
    fake.seedChannel('inc-24-search');
    // Made by the bot, but for another room: its purpose carries another marker.
    fake.seedChannel(suffixedChannelName('inc-24-search', 'room:24'), [], { creator: fake.botUserId, purpose: `Other · ${roomMarker('room:other')}` });
    const error = await failure(chat.rooms!.createRoom({ name: 'INC-24 search', memberIds: [], idempotencyKey: 'room:24' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack conversations.create failed: name_taken');
    expect(fake.channels().filter((c) => !c.seeded)).toEqual([]);
  });

  it('names a room whose title has nothing Slack accepts after its key', async () => {
    const room = await chat.rooms!.createRoom({ name: '紧急故障', memberIds: [], idempotencyKey: 'room:15' });
    expect(channel(room.chatId).name).toMatch(/^incident-[0-9a-f]{6}$/);
  });

  it('adds members, tolerating those already in; finds the culprit one by one when Slack names none', async () => {
    const { chatId } = await chat.rooms!.createRoom({ name: 'INC-16', memberIds: [ALICE], idempotencyKey: 'room:16' });
    expect(await chat.rooms!.addMembers(chatId, [ALICE, BOB])).toEqual({ invalidMemberIds: [] });
    expect(channel(chatId).members).toContain(BOB);

    fake.reset();
    const again = await chat.rooms!.createRoom({ name: 'INC-17', memberIds: [], idempotencyKey: 'room:17' });
    fake.rejectNext('user_not_found');
    expect(await chat.rooms!.addMembers(again.chatId, [ALICE, 'U0NOBODY99'])).toEqual({ invalidMemberIds: ['U0NOBODY99'] });
    expect(fake.invites().map((i) => i.users)).toEqual([[ALICE], ['U0NOBODY99']]);
    expect(channel(again.chatId).members).toContain(ALICE);
  });

  it('invites more than 1000 people in batches of 1000', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `U9${String(i).padStart(8, '0')}`);
    for (const id of many) fake.addUser({ id, name: id.toLowerCase(), email: `${id}@example.com` });
    const { chatId, invalidMemberIds } = await chat.rooms!.createRoom({ name: 'INC-18 big', memberIds: many, idempotencyKey: 'room:18' });
    expect(invalidMemberIds).toEqual([]);
    expect(fake.invites().map((i) => i.users.length)).toEqual([1000, 1]);
    expect(channel(chatId).members).toHaveLength(1002);
  });

  it('removes members one kick at a time, tolerating people who are not there', async () => {
    const { chatId } = await chat.rooms!.createRoom({ name: 'INC-19', memberIds: [ALICE, BOB], idempotencyKey: 'room:19' });
    await chat.rooms!.removeMembers(chatId, [ALICE, CAROL]);
    expect(channel(chatId).members.sort()).toEqual([fake.botUserId, BOB].sort());
    expect(fake.requests.filter((r) => r.path === '/api/conversations.kick')).toHaveLength(2);
  });

  it('renames with a normalised name and sets the description as the purpose', async () => {
    const { chatId } = await chat.rooms!.createRoom({ name: 'INC-20', memberIds: [], idempotencyKey: 'room:20' });
    await chat.rooms!.renameRoom(chatId, '✅ INC-20 Resolved: checkout', 'Resolved at 10:42');
    expect(channel(chatId)).toMatchObject({ name: 'inc-20-resolved-checkout', purpose: 'Resolved at 10:42' });
  });

  it('archives for both archive and disband (Slack bots cannot delete channels), and a second close is harmless', async () => {
    const first = await chat.rooms!.createRoom({ name: 'INC-21', memberIds: [], idempotencyKey: 'room:21' });
    const second = await chat.rooms!.createRoom({ name: 'INC-22', memberIds: [], idempotencyKey: 'room:22' });
    await chat.rooms!.closeRoom(first.chatId, 'archive');
    await chat.rooms!.closeRoom(second.chatId, 'disband');
    await chat.rooms!.closeRoom(second.chatId, 'disband');
    expect(channel(first.chatId).archived).toBe(true);
    expect(channel(second.chatId).archived).toBe(true);
    const error = await failure(chat.rooms!.addMembers(first.chatId, [BOB]));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack conversations.invite failed: is_archived');
  });

  it('a throttled invite is retryable with the hint, not a silently invalid member', async () => {
    const { chatId } = await chat.rooms!.createRoom({ name: 'INC-23', memberIds: [], idempotencyKey: 'room:23' });
    fake.throttleNext(30);
    const error = await failure(chat.rooms!.addMembers(chatId, [ALICE]));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(30_000);
  });
});

describe('slack rooms: a create retried after a lost answer', () => {
  // Short timeout: a lost 'hang' answer costs this much per attempt.
  const roomsOf = (target: FakeSlack) =>
    createSlackProvider({ bot_token: target.botToken, signing_secret: target.signingSecret, api_url: target.apiUrl, timeout_ms: 300 }).chat!.rooms!;
  const made = () => fake.channels().filter((c) => !c.seeded);
  const paths = () => fake.requests.map((r) => r.path.replace('/api/', ''));
  const spec = (idempotencyKey: string, name = 'INC-30 checkout') => ({ name, description: 'Checkout down', ownerId: CAROL, memberIds: [ALICE, BOB], idempotencyKey });

  it.each([
    ['no answer (timeout)', 'hang' as const],
    ['HTTP 503', 503],
  ])('the retry with the same key adopts the channel whose create answer was lost: %s', async (_label, lost) => {
    const rooms = roomsOf(fake);
    fake.loseAnswerNext('conversations.create', lost);
    const error = await failure(rooms.createRoom(spec('room:30')));
    expect(error).toBeInstanceOf(RetryableError);
    // Slack made the channel; nobody has described or joined it yet.
    expect(made()).toMatchObject([{ name: 'inc-30-checkout', purpose: '', members: [fake.botUserId] }]);
    const orphan = made()[0]!.id;

    const room = await rooms.createRoom(spec('room:30'));
    expect(room).toEqual({ chatId: orphan, invalidMemberIds: [] });
    expect(made()).toHaveLength(1);
    expect(channel(orphan).purpose).toBe(`Checkout down · ${roomMarker('room:30')}`);
    expect(channel(orphan).members.sort()).toEqual([fake.botUserId, ALICE, BOB, CAROL].sort());
    expect(paths()).toEqual([
      'conversations.create',
      'conversations.create',
      'conversations.list',
      'auth.test',
      'conversations.setPurpose',
      'conversations.invite',
    ]);

    // Once more (warroom lost its own record): adopted by the marker, people already in are fine, auth.test is not asked again.
    expect(await rooms.createRoom(spec('room:30'))).toEqual({ chatId: orphan, invalidMemberIds: [] });
    expect(made()).toHaveLength(1);
    expect(paths().filter((p) => p === 'auth.test')).toHaveLength(1);
  });

  it.each([
    ['a person made it', 'inc-31-person', () => ({ creator: SEED_CREATOR })],
    ['the bot made it for another room', 'inc-31-other', () => ({ creator: fake.botUserId, purpose: `Payments down · ${roomMarker('room:other')}` })],
    ['the bot made it and it has a purpose without a marker (a renamed room)', 'inc-31-renamed', () => ({ creator: fake.botUserId, purpose: 'Resolved at 10:42' })],
    ['the bot made it and people set its topic', 'inc-31-topic', () => ({ creator: fake.botUserId, topic: 'ops chatter' })],
  ])('a same-named channel that is not this room\'s is left alone and a suffixed channel made: %s', async (_label, base, seed) => {
    const key = `room:31:${base}`;
    const seeded = fake.seedChannel(base, [], seed());
    const before = channel(seeded);
    const room = await roomsOf(fake).createRoom(spec(key, base));
    expect(room.chatId).not.toBe(seeded);
    expect(channel(room.chatId)).toMatchObject({ name: suffixedChannelName(base, key), purpose: `Checkout down · ${roomMarker(key)}` });
    expect(channel(seeded)).toEqual(before);
    expect(made()).toHaveLength(1);
  });

  it('adopts a channel the bot made whose topic carries the marker', async () => {
    const seeded = fake.seedChannel('inc-32-checkout', [], { creator: fake.botUserId, topic: `War room ${roomMarker('room:32')}` });
    const room = await roomsOf(fake).createRoom(spec('room:32', 'INC-32 checkout'));
    expect(room.chatId).toBe(seeded);
    expect(channel(seeded).members).toEqual(expect.arrayContaining([ALICE, BOB, CAROL]));
    expect(made()).toEqual([]);
  });

  it('two lost answers in a row (create, then the purpose call) still end in one channel', async () => {
    const rooms = roomsOf(fake);
    fake.loseAnswerNext('conversations.create', 'hang');
    fake.loseAnswerNext('conversations.setPurpose', 502);
    expect(await failure(rooms.createRoom(spec('room:33', 'INC-33 checkout')))).toBeInstanceOf(RetryableError);
    expect(await failure(rooms.createRoom(spec('room:33', 'INC-33 checkout')))).toBeInstanceOf(RetryableError);
    const room = await rooms.createRoom(spec('room:33', 'INC-33 checkout'));
    expect(made()).toMatchObject([{ id: room.chatId, name: 'inc-33-checkout', purpose: `Checkout down · ${roomMarker('room:33')}` }]);
    expect(channel(room.chatId).members).toHaveLength(4);
  });

  it('two lost answers on the suffixed name (it used to end in name_taken for good) still end in one channel', async () => {
    const rooms = roomsOf(fake);
    fake.seedChannel('inc-34-checkout');
    fake.loseAnswerNext('conversations.create', 'hang');
    fake.loseAnswerNext('conversations.setPurpose', 503);
    expect(await failure(rooms.createRoom(spec('room:34', 'INC-34 checkout')))).toBeInstanceOf(RetryableError);
    expect(await failure(rooms.createRoom(spec('room:34', 'INC-34 checkout')))).toBeInstanceOf(RetryableError);
    const room = await rooms.createRoom(spec('room:34', 'INC-34 checkout'));
    expect(made()).toMatchObject([{ id: room.chatId, name: suffixedChannelName('inc-34-checkout', 'room:34') }]);
    expect(channel(room.chatId).members).toHaveLength(4);
  });

  it('a different key with the same name gets a distinct channel and leaves the first room alone', async () => {
    const rooms = roomsOf(fake);
    const first = await rooms.createRoom(spec('room:35:a', 'INC-35 checkout'));
    const second = await rooms.createRoom({ ...spec('room:35:b', 'INC-35 checkout'), ownerId: undefined, memberIds: [ALICE] });
    expect(second.chatId).not.toBe(first.chatId);
    expect(channel(second.chatId)).toMatchObject({ name: suffixedChannelName('inc-35-checkout', 'room:35:b'), purpose: `Checkout down · ${roomMarker('room:35:b')}` });
    expect(channel(first.chatId)).toMatchObject({ name: 'inc-35-checkout', purpose: `Checkout down · ${roomMarker('room:35:a')}` });
    expect(channel(first.chatId).members).toHaveLength(4);
    expect(made()).toHaveLength(2);
  });

  it('when another room claims an orphan first, the orphan\'s own retry still gets a channel of its own', async () => {
    const rooms = roomsOf(fake);
    fake.loseAnswerNext('conversations.create', 503);
    expect(await failure(rooms.createRoom(spec('room:36:a', 'INC-36 checkout')))).toBeInstanceOf(RetryableError);
    // The unclaimed channel cannot tell which room made it: the first to come marks it as its own.
    const other = await rooms.createRoom(spec('room:36:b', 'INC-36 checkout'));
    const retried = await rooms.createRoom(spec('room:36:a', 'INC-36 checkout'));
    expect(retried.chatId).not.toBe(other.chatId);
    expect(channel(other.chatId)).toMatchObject({ name: 'inc-36-checkout', purpose: `Checkout down · ${roomMarker('room:36:b')}` });
    expect(channel(retried.chatId)).toMatchObject({ name: suffixedChannelName('inc-36-checkout', 'room:36:a'), purpose: `Checkout down · ${roomMarker('room:36:a')}` });
    expect(made()).toHaveLength(2);
  });

  it('a throttled or failing lookup is retryable and makes no suffixed channel; auth.test is asked again after a failure', async () => {
    const rooms = roomsOf(fake);
    fake.loseAnswerNext('conversations.create', 503);
    await failure(rooms.createRoom(spec('room:37', 'INC-37 checkout')));
    fake.throttleNext(7, 'conversations.list');
    const throttled = await failure(rooms.createRoom(spec('room:37', 'INC-37 checkout')));
    expect(throttled).toBeInstanceOf(RetryableError);
    expect((throttled as RetryableError).retryAfterMs).toBe(7000);
    fake.serverErrorNext(500, 'auth.test');
    expect(await failure(rooms.createRoom(spec('room:37', 'INC-37 checkout')))).toBeInstanceOf(RetryableError);
    expect(made()).toHaveLength(1);
    const room = await rooms.createRoom(spec('room:37', 'INC-37 checkout'));
    expect(room.chatId).toBe(made()[0]!.id);
    expect(paths().filter((p) => p === 'auth.test')).toHaveLength(2);
  });

  it('without the channels:read scope the lookup is refused and createRoom falls back to a suffixed channel', async () => {
    const rooms = roomsOf(fake);
    fake.loseAnswerNext('conversations.create', 503);
    await failure(rooms.createRoom(spec('room:38', 'INC-38 checkout')));
    fake.rejectNext('missing_scope', 'conversations.list');
    const room = await rooms.createRoom(spec('room:38', 'INC-38 checkout'));
    expect(channel(room.chatId).name).toBe(suffixedChannelName('inc-38-checkout', 'room:38'));
    expect(made()).toHaveLength(2);
  });

  it('pages through conversations.list with the cursor, 200 at a time, and stops at the page holding the name', async () => {
    const big = await startFakeSlack();
    try {
      const rooms = roomsOf(big);
      big.loseAnswerNext('conversations.create', 503);
      await failure(rooms.createRoom(spec('room:39:early', 'INC-39 early')));
      for (let i = 0; i < 450; i += 1) big.seedChannel(`filler-${i}`);
      big.loseAnswerNext('conversations.create', 503);
      await failure(rooms.createRoom(spec('room:39:late', 'INC-39 late')));
      const orphans = big.channels().filter((c) => !c.seeded);
      expect(orphans.map((c) => c.name)).toEqual(['inc-39-early', 'inc-39-late']);
      const lists = () => big.requests.filter((r) => r.path === '/api/conversations.list').map((r) => r.body as Record<string, unknown>);

      // The early orphan is on the first of three pages: one page is enough.
      expect((await rooms.createRoom(spec('room:39:early', 'INC-39 early'))).chatId).toBe(orphans[0]!.id);
      expect(lists()).toHaveLength(1);
      expect(lists()[0]).toMatchObject({ types: 'public_channel', exclude_archived: 'true', limit: '200' });
      expect(lists()[0]!.cursor).toBeUndefined();

      // The late one is on the third page.
      expect((await rooms.createRoom(spec('room:39:late', 'INC-39 late'))).chatId).toBe(orphans[1]!.id);
      const pages = lists().slice(1);
      expect(pages).toHaveLength(3);
      expect(pages[0]!.cursor).toBeUndefined();
      expect(pages[1]!.cursor).toEqual(expect.any(String));
      expect(pages[2]!.cursor).toEqual(expect.any(String));
      expect(pages[2]!.cursor).not.toBe(pages[1]!.cursor);
      expect(big.channels().filter((c) => !c.seeded)).toHaveLength(2);
    } finally {
      await big.close();
    }
  });
});

describe('slack directory', () => {
  it('finds a person by email', async () => {
    expect(await chat.directory!.lookupUser({ email: 'bob@example.com' })).toBe(BOB);
    expect(fake.requests[0]).toMatchObject({ path: '/api/users.lookupByEmail', body: { email: 'bob@example.com' } });
  });

  it('returns null for an unknown email (users_not_found) and for a phone number, without asking Slack for the latter', async () => {
    expect(await chat.directory!.lookupUser({ email: 'nobody@example.com' })).toBeNull();
    expect(await chat.directory!.lookupUser({ mobile: '+8613800000001' })).toBeNull();
    expect(await chat.directory!.lookupUser({ email: null, mobile: null })).toBeNull();
    expect(fake.requests).toHaveLength(1);
  });

  it('other lookup failures are errors, not "unknown"', async () => {
    fake.rejectNext('missing_scope');
    const error = await failure(chat.directory!.lookupUser({ email: 'bob@example.com' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack users.lookupByEmail failed: missing_scope');
  });
});
