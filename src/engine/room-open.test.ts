import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { withTx } from '../db/database.js';
import { silentLogger, systemClock } from '../kernel/index.js';
import { declareIncident, systemActor } from '../domain/incidents/index.js';
import { defaultRuntimeSettings } from '../domain/services/index.js';
import { scheduleRooms } from '../domain/warroom/index.js';
import { createFeishuProvider } from '../providers/feishu/index.js';
import { startFakeFeishu, type FakeFeishu } from '../providers/testing/fake-feishu.js';
import { ChannelRegistry } from './channel-registry.js';
import { roomOpenJob } from './room-open.js';
import { roomScheduling } from './room-scheduling.js';

let t: TestDatabase;
let feishu: FakeFeishu;
let channels: ChannelRegistry;

beforeAll(async () => {
  t = await createTestDatabase();
  feishu = await startFakeFeishu({ appId: 'cli_race', appSecret: 'race-app-secret-001' });
  channels = new ChannelRegistry([createFeishuProvider({ app_id: 'cli_race', app_secret: 'race-app-secret-001', domain: feishu.url, verification_token: 'vt-race-0001', timeout_ms: 2000 })]);
  await t.db.insertInto('users').values([
    { id: 'alice', name: 'Alice', timezone: 'UTC', role: 'responder', chat_ids: JSON.stringify({ feishu: 'ou_alice' }), managed_by: 'config' },
    { id: 'bob', name: 'Bob', timezone: 'UTC', role: 'responder', chat_ids: JSON.stringify({ feishu: 'ou_bob' }), managed_by: 'config' },
  ]).execute();
  await t.db.insertInto('services').values({ id: 'checkout', name: 'Checkout', owner_user_id: 'alice', impact: 'few_users', links: '{}', auto_resolve: true, grouping: 'null', generic_mapping: 'null', managed_by: 'config' }).execute();
});
afterAll(async () => {
  await channels?.close();
  await feishu?.close();
  await t?.drop();
});

const deps = () => ({ db: t.db, clock: systemClock, logger: silentLogger, settings: defaultRuntimeSettings, channels });
const openP0 = (title: string) =>
  withTx(t.db, (tx) => declareIncident(tx, { title, severity: 'P0', category: 'application', impact: 'all_users', serviceId: 'checkout' }, { now: new Date(), actor: systemActor, autoCloseAfterMs: 86_400_000 }));

describe('one room per incident and platform, even when two workers race', () => {
  it('two workers scheduling and opening the same incident make one room and one chat', async () => {
    const incident = await openP0('Checkout down');
    // Two workers run the incident-opened step at once.
    await Promise.all([1, 2].map(() => withTx(t.db, (tx) => scheduleRooms(tx, [incident.id], new Date(), roomScheduling(deps())))));
    const rooms = await t.db.selectFrom('rooms').select(['id', 'provider']).where('incident_id', '=', incident.id).execute();
    expect(rooms.map((r) => r.provider).sort()).toEqual(['feishu', 'web']);
    const room = rooms.find((r) => r.provider === 'feishu')!;

    // Two workers run the same room's open job at once.
    const [a, b] = [roomOpenJob(deps()), roomOpenJob(deps())];
    const outcomes = await Promise.allSettled([a.handle({ roomId: room.id }), b.handle({ roomId: room.id })]);
    // The loser either waited out the winner's lease (and will retry later) or found the room open.
    for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toMatch(/being created by another worker/);
    await a.handle({ roomId: room.id });
    const chats = feishu.chats().filter((c) => c.name.endsWith(`INC-${incident.number}`));
    expect(chats).toHaveLength(1);
    // Not just the platform's dedup: warroom itself asked for the chat once.
    expect(feishu.requests.filter((r) => r.method === 'POST' && r.path === '/open-apis/im/v1/chats' && r.status === 200)).toHaveLength(1);
    const row = await t.db.selectFrom('rooms').selectAll().where('id', '=', room.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', chat_id: chats[0]!.chatId });
  });

  it('a worker that died after creating the chat is taken over without a second chat', async () => {
    const incident = await openP0('Payments down');
    await withTx(t.db, (tx) => scheduleRooms(tx, [incident.id], new Date(), roomScheduling(deps())));
    const room = await t.db.selectFrom('rooms').selectAll().where('incident_id', '=', incident.id).where('provider', '=', 'feishu').executeTakeFirstOrThrow();
    // The dead worker: it marked the room, created the chat, and never recorded it.
    const stale = new Date(Date.now() - 10 * 60_000);
    await t.db.updateTable('rooms').set({ status: 'creating', name: `🚨紧急-Checkout-INC-${incident.number}`, updated_at: stale }).where('id', '=', room.id).execute();
    const created = await channels.chat('feishu')!.chat.rooms!.createRoom({ name: `🚨紧急-Checkout-INC-${incident.number}`, memberIds: ['ou_alice'], ownerId: 'ou_alice', idempotencyKey: room.id });

    await roomOpenJob(deps()).handle({ roomId: room.id });
    expect(feishu.chats().filter((c) => c.name.endsWith(`INC-${incident.number}`))).toHaveLength(1);
    const row = await t.db.selectFrom('rooms').selectAll().where('id', '=', room.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', chat_id: created.chatId });
  });

  it('a worker still inside its lease is not overtaken', async () => {
    const incident = await openP0('Search down');
    await withTx(t.db, (tx) => scheduleRooms(tx, [incident.id], new Date(), roomScheduling(deps())));
    const room = await t.db.selectFrom('rooms').selectAll().where('incident_id', '=', incident.id).where('provider', '=', 'feishu').executeTakeFirstOrThrow();
    await t.db.updateTable('rooms').set({ status: 'creating', updated_at: new Date() }).where('id', '=', room.id).execute();
    await expect(roomOpenJob(deps()).handle({ roomId: room.id })).rejects.toThrow(/being created by another worker/);
    expect(feishu.chats().filter((c) => c.name.endsWith(`INC-${incident.number}`))).toHaveLength(0);
  });
});
