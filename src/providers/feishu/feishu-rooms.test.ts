import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../kernel/index.js';
import { startFakeFeishu, type FakeFeishu } from '../testing/fake-feishu.js';
import { CLOSED_PREFIX, createFeishuProvider, feishuMobile } from './index.js';

const APP_ID = 'cli_rooms00000001';
const APP_SECRET = 'feishu-rooms-secret-1a2b';
let fake: FakeFeishu;

beforeAll(async () => {
  fake = await startFakeFeishu({
    appId: APP_ID,
    appSecret: APP_SECRET,
    invalidUserIds: ['ou_gone'],
    directory: [
      { openId: 'ou_alice', email: 'Alice@Example.com', mobile: '13800000001' },
      { openId: 'ou_intl', mobile: '+14155550100' },
      { openId: 'ou_left', email: 'left@example.com', resigned: true },
      { openId: 'ou_frozen', email: 'frozen@example.com', frozen: true },
    ],
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const chat = () => createFeishuProvider({ app_id: APP_ID, app_secret: APP_SECRET, domain: fake.url, timeout_ms: 1000 }).chat!;
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `ou_${prefix}${i}`);

describe('feishu rooms', () => {
  it('creates a room owned by a person, adds members and reports the invalid ones', async () => {
    const { rooms } = chat();
    const result = await rooms!.createRoom({ name: 'INC-9 payments', description: 'war room', ownerId: 'ou_alice', memberIds: ['ou_alice', 'ou_bob', 'ou_gone'], idempotencyKey: 'room-9' });
    expect(result.invalidMemberIds).toEqual(['ou_gone']);
    expect(fake.chat(result.chatId)).toMatchObject({ name: 'INC-9 payments', description: 'war room', ownerId: 'ou_alice', members: ['ou_alice', 'ou_bob'], uuid: 'room-9' });
    const create = fake.requests.find((r) => r.path === '/open-apis/im/v1/chats');
    expect(create?.query).toMatchObject({ user_id_type: 'open_id', uuid: 'room-9' });
  });

  it('a retried create with the same key returns the same chat', async () => {
    const { rooms } = chat();
    const a = await rooms!.createRoom({ name: 'INC-10', memberIds: ['ou_bob'], idempotencyKey: 'room-10' });
    const b = await rooms!.createRoom({ name: 'INC-10', memberIds: ['ou_bob'], idempotencyKey: 'room-10' });
    expect(b.chatId).toBe(a.chatId);
    expect(fake.chats()).toHaveLength(1);
  });

  it('adds members in calls of at most 50', async () => {
    const { rooms } = chat();
    const { chatId } = await rooms!.createRoom({ name: 'big', memberIds: ids('m', 120), idempotencyKey: 'room-big' });
    expect(fake.memberCalls().map((c) => c.ids.length)).toEqual([50, 50, 20]);
    expect(fake.chat(chatId)!.members).toHaveLength(120);
  });

  it('serialises member calls on one chat, so concurrent adds never meet 232019', async () => {
    const { rooms } = chat();
    const { chatId } = await rooms!.createRoom({ name: 'busy', memberIds: [], idempotencyKey: 'room-busy' });
    await Promise.all([rooms!.addMembers(chatId, ids('a', 3)), rooms!.addMembers(chatId, ids('b', 3)), rooms!.removeMembers(chatId, ['ou_a0'])]);
    expect(fake.memberCalls().map((c) => c.code)).toEqual([0, 0, 0]);
    expect(fake.chat(chatId)!.members.sort()).toEqual(['ou_a1', 'ou_a2', 'ou_b0', 'ou_b1', 'ou_b2']);
  });

  it('the fake does catch overlapping member calls (two processes, two queues): 232019 is retryable', async () => {
    const first = chat();
    const second = chat();
    const { chatId } = await first.rooms!.createRoom({ name: 'race', memberIds: [], idempotencyKey: 'room-race' });
    // Warm both token caches so the member calls start together.
    await second.rooms!.renameRoom(chatId, 'race');
    const results = await Promise.allSettled([first.rooms!.addMembers(chatId, ['ou_x1']), second.rooms!.addMembers(chatId, ['ou_x2'])]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(RetryableError);
    expect((rejected[0]!.reason as Error).message).toMatch(/232019/);
  });

  it('renames, archives with a prefix once, and disbands', async () => {
    const { rooms } = chat();
    const { chatId } = await rooms!.createRoom({ name: 'INC-11', memberIds: [], idempotencyKey: 'room-11' });
    await rooms!.renameRoom(chatId, 'INC-11 resolved', 'done');
    expect(fake.chat(chatId)).toMatchObject({ name: 'INC-11 resolved', description: 'done' });
    await rooms!.closeRoom(chatId, 'archive');
    await rooms!.closeRoom(chatId, 'archive');
    expect(fake.chat(chatId)).toMatchObject({ name: `${CLOSED_PREFIX}INC-11 resolved`, status: 'normal' });
    await rooms!.closeRoom(chatId, 'disband');
    expect(fake.chat(chatId)!.status).toBe('dissolved');
  });
});

describe('feishu directory', () => {
  it('finds people by email (any case) and by mobile, mainland numbers without +86', async () => {
    const { directory } = chat();
    expect(await directory!.lookupUser({ email: 'alice@example.com' })).toBe('ou_alice');
    expect(await directory!.lookupUser({ mobile: '+86 138 0000 0001' })).toBe('ou_alice');
    expect(await directory!.lookupUser({ mobile: '+14155550100' })).toBe('ou_intl');
    expect(fake.lookups()[1]).toEqual({ emails: [], mobiles: ['13800000001'] });
  });

  it('returns null for unknown, resigned and frozen people, and asks nothing when given nothing', async () => {
    const { directory } = chat();
    expect(await directory!.lookupUser({ email: 'nobody@example.com' })).toBeNull();
    expect(await directory!.lookupUser({ email: 'left@example.com' })).toBeNull();
    expect(await directory!.lookupUser({ email: 'frozen@example.com' })).toBeNull();
    expect(await directory!.lookupUser({ email: null, mobile: '  ' })).toBeNull();
    expect(fake.lookups()).toHaveLength(3);
  });

  it('feishuMobile strips +86 and punctuation only', () => {
    expect(feishuMobile('+86-138 0000 0001')).toBe('13800000001');
    expect(feishuMobile('+1 (415) 555-0100')).toBe('+14155550100');
  });
});
