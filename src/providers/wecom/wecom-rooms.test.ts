import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../kernel/index.js';
import type { DirectoryLookup, RoomManager } from '../api.js';
import { startFakeWecom, type FakeWecom } from '../testing/fake-wecom.js';
import { CLOSED_ROOM_PREFIX, createWecomProvider, roomChatId } from './index.js';

const CORP_ID = 'ww6a112864f8022910';
const CORP_SECRET = 'corp-secret-71b0c3a9d2';
let wecom: FakeWecom;
let rooms: RoomManager;
let directory: DirectoryLookup;

beforeAll(async () => {
  wecom = await startFakeWecom({
    app: { corpId: CORP_ID, corpSecret: CORP_SECRET, agentId: 1000002 },
    users: {
      alice: { mobile: '+8613800000001', email: 'alice@corp.example' },
      bob: { mobile: '13800000002', personalEmail: 'bob@mail.example' },
      carol: {},
      dave: {},
    },
  });
});
afterAll(async () => {
  await wecom.close();
});
beforeEach(() => {
  wecom.reset();
  const chat = createWecomProvider({
    app: { corp_id: CORP_ID, corp_secret: CORP_SECRET, agent_id: 1000002, token: 'tok', encoding_aes_key: 'a'.repeat(43), base_url: wecom.url },
    timeout_ms: 500,
  }).chat!;
  rooms = chat.rooms!;
  directory = chat.directory!;
});

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);
const calls = (path: string) => wecom.requests.filter((r) => r.path === path);

describe('wecom rooms (appchat)', () => {
  it('creates a chat whose id derives from the idempotency key, with the owner among the members', async () => {
    const name = 'INC-12 订单库主节点不可达 — payments checkout orders war room with a very long name';
    const result = await rooms.createRoom({ name, ownerId: 'alice', memberIds: ['bob', 'carol', 'alice'], idempotencyKey: 'room:INC-12' });
    expect(result).toEqual({ chatId: roomChatId('room:INC-12'), invalidMemberIds: [] });
    expect(result.chatId).toMatch(/^[0-9a-zA-Z]{1,32}$/);
    expect(calls('/cgi-bin/appchat/create')[0]!.body).toEqual({
      chatid: result.chatId,
      name: Array.from(name).slice(0, 50).join(''),
      owner: 'alice',
      userlist: ['alice', 'bob', 'carol'],
    });
    expect(wecom.chats()).toMatchObject([{ chatid: result.chatId, owner: 'alice', userlist: ['alice', 'bob', 'carol'] }]);
  });

  it('a retried create finds the chat it already made (86215) instead of making a second', async () => {
    const spec = { name: 'INC-13', memberIds: ['alice', 'bob'], idempotencyKey: 'room:INC-13' };
    const first = await rooms.createRoom(spec);
    const second = await rooms.createRoom(spec);
    expect(second).toEqual(first);
    expect(wecom.chats()).toHaveLength(1);
    expect(calls('/cgi-bin/appchat/create').map((r) => r.refusal)).toEqual([undefined, '86215 chatid already exists']);
  });

  it('different keys make different chats', async () => {
    await rooms.createRoom({ name: 'a', memberIds: ['alice', 'bob'], idempotencyKey: 'room:1' });
    await rooms.createRoom({ name: 'b', memberIds: ['alice', 'bob'], idempotencyKey: 'room:2' });
    expect(new Set(wecom.chats().map((c) => c.chatid)).size).toBe(2);
  });

  it('refuses fewer than 2 members before calling WeCom, explaining why', async () => {
    for (const spec of [
      { name: 'solo', memberIds: ['alice'], idempotencyKey: 'r1' },
      { name: 'self', ownerId: 'alice', memberIds: ['alice'], idempotencyKey: 'r2' },
      { name: 'empty', memberIds: [], idempotencyKey: 'r3' },
    ]) {
      const error = await failure(rooms.createRoom(spec));
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toMatch(/at least 2 members, owner included/);
    }
    expect(wecom.requests).toHaveLength(0);
    // An owner plus one member is enough.
    await rooms.createRoom({ name: 'pair', ownerId: 'alice', memberIds: ['bob'], idempotencyKey: 'r4' });
    expect(wecom.chats()[0]!.userlist).toEqual(['alice', 'bob']);
  });

  it('a member WeCom does not know fails the create permanently (86216)', async () => {
    const error = await failure(rooms.createRoom({ name: 'x', memberIds: ['alice', 'mallory'], idempotencyKey: 'r5' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('errcode 86216');
  });

  it('adds and removes members and renames the room', async () => {
    const { chatId } = await rooms.createRoom({ name: 'INC-14', memberIds: ['alice', 'bob'], idempotencyKey: 'room:INC-14' });
    expect(await rooms.addMembers(chatId, ['carol', 'dave'])).toEqual({ invalidMemberIds: [] });
    await rooms.removeMembers(chatId, ['bob']);
    await rooms.renameRoom(chatId, 'INC-14 支付失败', 'descriptions are not supported');
    expect(wecom.chats()[0]).toMatchObject({ name: 'INC-14 支付失败', userlist: ['alice', 'carol', 'dave'] });
    expect(calls('/cgi-bin/appchat/update').map((r) => r.body)).toEqual([
      { chatid: chatId, add_user_list: ['carol', 'dave'] },
      { chatid: chatId, del_user_list: ['bob'] },
      { chatid: chatId, name: 'INC-14 支付失败' },
    ]);
    // Nothing to add or remove: no call.
    await rooms.addMembers(chatId, []);
    await rooms.removeMembers(chatId, []);
    expect(calls('/cgi-bin/appchat/update')).toHaveLength(3);
  });

  it.each(['archive', 'disband'] as const)('closes (%s) by renaming with the closed prefix, once', async (mode) => {
    const { chatId } = await rooms.createRoom({ name: 'INC-15', memberIds: ['alice', 'bob'], idempotencyKey: `room:INC-15:${mode}` });
    await rooms.closeRoom(chatId, mode);
    await rooms.closeRoom(chatId, mode);
    expect(wecom.chats()[0]!.name).toBe(`${CLOSED_ROOM_PREFIX} INC-15`);
    expect(calls('/cgi-bin/appchat/update')).toHaveLength(1);
  });

  it('an unknown chat is a PermanentError', async () => {
    expect(await failure(rooms.renameRoom('wrnosuchchat', 'x'))).toBeInstanceOf(PermanentError);
  });
});

describe('wecom directory', () => {
  it('finds a userid by mobile', async () => {
    expect(await directory.lookupUser({ mobile: '+8613800000001' })).toBe('alice');
    expect(calls('/cgi-bin/user/getuserid')[0]!.body).toEqual({ mobile: '+8613800000001' });
  });

  it('falls back to email: corporate first, then personal', async () => {
    expect(await directory.lookupUser({ mobile: '13900000000', email: 'alice@corp.example' })).toBe('alice');
    expect(await directory.lookupUser({ email: 'bob@mail.example' })).toBe('bob');
    expect(calls('/cgi-bin/user/get_userid_by_email').map((r) => r.body)).toEqual([
      { email: 'alice@corp.example', email_type: 1 },
      { email: 'bob@mail.example', email_type: 1 },
      { email: 'bob@mail.example', email_type: 2 },
    ]);
  });

  it('answers null for someone WeCom does not know (46004), and asks nothing without an address', async () => {
    expect(await directory.lookupUser({ mobile: '13900000000', email: 'nobody@corp.example' })).toBeNull();
    const asked = wecom.requests.length;
    expect(await directory.lookupUser({ mobile: null, email: ' ' })).toBeNull();
    expect(wecom.requests).toHaveLength(asked);
  });
});
