import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../kernel/index.js';
import type { ChatCapabilities } from '../api.js';
import { startFakeSlack, type FakeSlack } from '../testing/fake-slack.js';
import { createSlackProvider } from './index.js';
import { slackChannelName, suffixedChannelName } from './rooms.js';

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
  it('creates a public channel with a valid name, sets the purpose and invites owner and members in one call', async () => {
    const room = await chat.rooms!.createRoom({
      name: '🚨紧急-checkout-INC-12',
      description: 'Checkout errors above 5%',
      ownerId: CAROL,
      memberIds: [ALICE, BOB, ALICE],
      idempotencyKey: 'room:12',
    });
    expect(room.invalidMemberIds).toEqual([]);
    expect(channel(room.chatId)).toMatchObject({ name: 'inc-12-checkout', isPrivate: false, purpose: 'Checkout errors above 5%', archived: false });
    expect(channel(room.chatId).members.sort()).toEqual([fake.botUserId, ALICE, BOB, CAROL].sort());
    expect(fake.invites()).toEqual([{ channel: room.chatId, users: [CAROL, ALICE, BOB], force: true, errors: [] }]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/conversations.create', '/api/conversations.setPurpose', '/api/conversations.invite']);
  });

  it('reports unknown people as invalid members while still inviting the rest, and tolerates the bot itself', async () => {
    const room = await chat.rooms!.createRoom({ name: 'INC-13', memberIds: [ALICE, 'U0NOBODY99', fake.botUserId, BOB], idempotencyKey: 'room:13' });
    expect(room.invalidMemberIds).toEqual(['U0NOBODY99']);
    expect(channel(room.chatId).members.sort()).toEqual([fake.botUserId, ALICE, BOB].sort());
  });

  it('on name_taken retries once with a suffix from the idempotency key; a second clash is permanent', async () => {
    fake.seedChannel('inc-14-search');
    const room = await chat.rooms!.createRoom({ name: 'INC-14 search', memberIds: [], idempotencyKey: 'room:14' });
    expect(channel(room.chatId).name).toBe(suffixedChannelName('inc-14-search', 'room:14'));
    // Slack has no create dedup: the same key again finds both names taken.
    const error = await failure(chat.rooms!.createRoom({ name: 'INC-14 search', memberIds: [], idempotencyKey: 'room:14' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe('slack conversations.create failed: name_taken');
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
