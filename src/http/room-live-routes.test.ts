import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino, type Logger } from 'pino';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import { formatIncidentRef, hashSecret, systemClock } from '../kernel/index.js';
import { TokenAuthenticator } from '../domain/access/index.js';
import type { MessageDoc } from '../contracts/index.js';
import { webRoomStore } from '../engine/web-room-store.js';
import type { HttpContext } from './app-context.js';
import { installErrorHandler } from './error-handler.js';
import { RoomLiveFeed, type LiveRoomEvent, type RoomLiveFeedOptions } from './room-live-feed.js';
import { LIVE_CLOSE, liveRoomRoutes, type LiveRoomRouteOptions } from './room-live-routes.js';

const VIEWER = 'live-viewer-token-00001';
const REVOKED = 'live-revoked-token-0001';
const BOGUS = 'not-a-token-but-a-secret-0001';

let t: TestDatabase;
let app: FastifyInstance;
let feed: RoomLiveFeed;
let base: string;
const logLines: string[] = [];
const clients: Client[] = [];

/** The route as server.ts mounts it: the zod compilers, the error handler, the websocket plugin, then the routes. */
async function buildServer(logger: Logger, feedOptions: RoomLiveFeedOptions, routeOptions: LiveRoomRouteOptions): Promise<{ server: FastifyInstance; feed: RoomLiveFeed; base: string }> {
  // The routes read only these; the rest of the context belongs to other routes.
  const ctx = { db: t.db, clock: systemClock, logger, tokens: new TokenAuthenticator(t.db) } as unknown as HttpContext;
  const liveFeed = new RoomLiveFeed(t.db, systemClock, logger, feedOptions);
  const server = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), ajv: { customOptions: { coerceTypes: false } } });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  installErrorHandler(server);
  await server.register(swagger, { openapi: { info: { title: 'test', version: '1' }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } }, transform: jsonSchemaTransform });
  await server.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await server.register(async (scope) => liveRoomRoutes(scope, ctx, { ...routeOptions, feed: liveFeed }));
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, feed: liveFeed, base: `ws://127.0.0.1:${address.port}` };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.insertInto('api_tokens').values([
    { name: 'live-viewer', role: 'viewer', user_id: null, token_hash: hashSecret(VIEWER), token_hint: 'live', managed_by: 'config' },
    { name: 'live-revoked', role: 'admin', user_id: null, token_hash: hashSecret(REVOKED), token_hint: 'live', managed_by: 'config', revoked_at: new Date() },
  ]).execute();
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  // Small numbers so batching, caps and the heartbeat are exercised quickly.
  ({ server: app, feed, base } = await buildServer(logger, { pollMs: 100, batchSize: 3, maxPerIncident: 3 }, { heartbeatMs: 200 }));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

interface Incident {
  id: string;
  ref: string;
}

async function newIncident(): Promise<Incident> {
  const now = new Date();
  const row = await t.db.insertInto('incidents').values({
    title: 'Checkout is down', severity: 'P1', category: 'availability', status: 'triggered', priority_score: 80, impact: 'many_users', source: 'test', response_sla_ms: 300_000, sla_due_at: now, created_at: now, updated_at: now,
  }).returning(['id', 'number']).executeTakeFirstOrThrow();
  return { id: row.id, ref: formatIncidentRef(row.number) };
}

async function say(incident: Incident, text: string, db = t.db): Promise<number> {
  const at = new Date();
  const row = await db.insertInto('room_messages').values({ incident_id: incident.id, provider: 'web', author_user_id: null, author_label: 'Bob', kind: 'human', text, doc: null, external_id: null, created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

type Received = Extract<LiveRoomEvent, { type: 'message' | 'update' }>;

class Client {
  readonly events: LiveRoomEvent[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  pings = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.events.push(JSON.parse(String(data)) as LiveRoomEvent);
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.on('ping', () => {
      this.pings += 1;
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // A refused upgrade rejects `opened`; tests that expect it await it.
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    this.closed.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The first event (in arrival order) that `accept` takes, waiting for it up to `timeoutMs`. */
  async next<T extends LiveRoomEvent = LiveRoomEvent>(what: string, accept: (event: LiveRoomEvent) => boolean, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(accept);
      if (found) return found as T;
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === WebSocket.CLOSED) throw new Error(`no event ${what} within ${timeoutMs}ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  hello() {
    return this.next<Extract<LiveRoomEvent, { type: 'hello' }>>('hello', (e) => e.type === 'hello');
  }

  message(id: number, type: 'message' | 'update' = 'message') {
    return this.next<Received>(`${type} ${id}`, (e) => e.type === type && e.message.id === id);
  }

  /** Ids of message/update events in arrival order. */
  ids(type?: 'message' | 'update'): number[] {
    return this.events.filter((e): e is Received => e.type !== 'hello' && (!type || e.type === type)).map((e) => e.message.id);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close();
    await this.closed;
  }
}

function connect(path: string, options: WebSocket.ClientOptions = {}, root = base): Client {
  const client = new Client(new WebSocket(`${root}${path}`, options));
  clients.push(client);
  return client;
}

const live = (incident: Incident | string, query = `token=${VIEWER}`) => `/api/v1/incidents/${typeof incident === 'string' ? incident : incident.ref}/room/live${query ? `?${query}` : ''}`;

describe('live room socket: authentication', () => {
  it('upgrades, then closes with 4401 for a missing, unknown or revoked token; the token never reaches the log', async () => {
    const incident = await newIncident();
    const missing = connect(live(incident, ''));
    const unknown = connect(live(incident, `token=${BOGUS}`));
    const revoked = connect(live(incident, `token=${REVOKED}`));
    const badHeader = connect(live(incident, ''), { headers: { authorization: `Bearer ${BOGUS}` } });
    for (const client of [missing, unknown, revoked, badHeader]) {
      await client.opened;
      const closed = await client.closed;
      expect(closed.code).toBe(LIVE_CLOSE.unauthorized);
      expect(client.events).toEqual([]);
    }
    expect((await unknown.closed).reason).toContain('unknown or revoked');
    expect((await missing.closed).reason).toContain('?token=');

    const ok = connect(live(incident));
    expect((await ok.hello()).incident).toBe(incident.ref);
    const logs = logLines.join('');
    expect(logs).toContain('live room socket refused');
    expect(logs).toContain('live room socket open');
    for (const secret of [VIEWER, REVOKED, BOGUS]) expect(logs).not.toContain(secret);
  });

  it('accepts the token in the Authorization header, which wins over ?token=', async () => {
    const incident = await newIncident();
    const client = connect(live(incident, `token=${BOGUS}`), { headers: { authorization: `Bearer ${VIEWER}` } });
    expect(await client.hello()).toMatchObject({ type: 'hello', incident: incident.ref });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 4404 for an unknown incident, by ref or by id', async () => {
    const byRef = connect(live('INC-987654'));
    const byId = connect(live('00000000-0000-4000-8000-000000000000'));
    for (const client of [byRef, byId]) {
      await client.opened;
      expect((await client.closed).code).toBe(LIVE_CLOSE.notFound);
    }
    expect((await byRef.closed).reason).toContain('INC-987654');
  });

  it('answers an invalid after= with 400 instead of upgrading', async () => {
    const incident = await newIncident();
    const client = connect(live(incident, `token=${VIEWER}&after=-3`));
    const status = await new Promise<number>((resolve) => client.ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(400);
    client.ws.terminate();
  });
});

describe('live room socket: the stream', () => {
  it('sends hello with the last id, then new rows of this incident only, as message', async () => {
    const incident = await newIncident();
    const other = await newIncident();
    const before = await say(incident, 'before connecting');
    const client = connect(live(incident));
    expect(await client.hello()).toEqual({ type: 'hello', incident: incident.ref, after: before });

    await say(other, 'elsewhere');
    const id = await say(incident, 'rolling back checkout');
    const event = await client.message(id);
    expect(event.message).toEqual({
      id, provider: 'web', author_user_id: null, author_label: 'Bob', kind: 'human', text: 'rolling back checkout', doc: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), updated_at: event.message.created_at,
    });
    // Nothing from before the hello, nothing from the other incident.
    expect(client.ids()).toEqual([id]);
  });

  it('sends a card as message, then its change as update, each once', async () => {
    const incident = await newIncident();
    const client = connect(live(incident));
    await client.hello();
    const store = webRoomStore(t.db, () => new Date());
    const doc: MessageDoc = { kind: 'page', title: 'Checkout is down', severity: 'P1', incidentRef: incident.ref, status: 'triggered', fields: [], links: [], actions: [{ id: 'ack', label: 'Acknowledge' }], mentions: [] };
    const cardId = Number(await store.post(incident.id, doc, `card-${incident.id}`));
    const posted = await client.message(cardId);
    expect(posted.message).toMatchObject({ kind: 'card', author_label: 'warroom', doc: { status: 'triggered' } });

    await store.update(incident.id, String(cardId), { ...doc, status: 'acknowledged', fields: [{ label: 'Acknowledged by', value: 'Bob' }] });
    const updated = await client.message(cardId, 'update');
    expect(updated.message.doc).toMatchObject({ status: 'acknowledged', fields: [{ label: 'Acknowledged by', value: 'Bob' }] });
    expect(updated.message.text).toContain('Acknowledged by: Bob');
    expect(Date.parse(updated.message.updated_at)).toBeGreaterThan(Date.parse(posted.message.updated_at));

    // Several polls later (the sentinel arrives after them), each event came exactly once.
    const sentinel = await say(incident, 'sentinel');
    await client.message(sentinel);
    expect(client.ids('message')).toEqual([cardId, sentinel]);
    expect(client.ids('update')).toEqual([cardId]);
  });

  it('resumes with after= without gaps or duplicates, across several replay pages', async () => {
    const incident = await newIncident();
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await say(incident, `line ${i}`));
    const client = connect(live(incident, `token=${VIEWER}&after=${ids[0]}`));
    expect(await client.hello()).toMatchObject({ after: ids[0] });
    await client.message(ids[7]!);
    const more = await say(incident, 'after the replay');
    await client.message(more);
    // Replay pages hold 3 rows here: the 7 missed rows, then the live one, in order, once each.
    expect(client.ids()).toEqual([...ids.slice(1), more]);
    expect(client.events.filter((e) => e.type !== 'hello').every((e) => e.type === 'message')).toBe(true);

    // Resuming at the newest id replays nothing.
    const resumed = connect(live(incident, `token=${VIEWER}&after=${more}`));
    expect(await resumed.hello()).toMatchObject({ after: more });
    const next = await say(incident, 'only this');
    await resumed.message(next);
    expect(resumed.ids()).toEqual([next]);
  });

  it('hands over from replay to live without gaps or duplicates while rows keep coming', async () => {
    const incident = await newIncident();
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await say(incident, `history ${i}`));
    const client = connect(live(incident, `token=${VIEWER}&after=0`));
    // Written one by one while the client replays history in pages of 3.
    for (let i = 0; i < 12; i++) ids.push(await say(incident, `meanwhile ${i}`));
    await client.message(ids[ids.length - 1]!);
    const sentinel = await say(incident, 'sentinel');
    await client.message(sentinel);
    expect(client.ids()).toEqual([...ids, sentinel]);
    expect(client.events[0]).toEqual({ type: 'hello', incident: incident.ref, after: 0 });
  });

  it('trusts an after= ahead of what the poller has seen: those rows are not sent again', async () => {
    // A slow poller, so the second client's after= is ahead of the feed's cursor when it connects.
    const own = await buildServer(pino({ level: 'silent' }), { pollMs: 1_000 }, {});
    try {
      const incident = await newIncident();
      const first = connect(live(incident), {}, own.base);
      await first.hello();
      const seen = await say(incident, 'read over REST by the second client');
      const second = connect(live(incident, `token=${VIEWER}&after=${seen}`), {}, own.base);
      expect(await second.hello()).toMatchObject({ after: seen });
      await first.message(seen);
      const next = await say(incident, 'new to both');
      await second.message(next);
      await first.message(next);
      expect(second.ids()).toEqual([next]);
      expect(first.ids()).toEqual([seen, next]);
    } finally {
      await own.server.close();
    }
  });

  it('still delivers a row whose transaction committed after a higher id was sent', async () => {
    const incident = await newIncident();
    const client = connect(live(incident));
    await client.hello();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let lateId = 0;
    let inserted!: () => void;
    const insertedLate = new Promise<void>((resolve) => (inserted = resolve));
    const late = t.db.transaction().execute(async (tx) => {
      lateId = await say(incident, 'written first, committed last', tx);
      inserted();
      await gate;
    });
    await insertedLate;
    const early = await say(incident, 'written second, committed first');
    expect(early).toBeGreaterThan(lateId);
    await client.message(early);
    release();
    await late;
    expect((await client.message(lateId)).message.text).toBe('written first, committed last');
    const sentinel = await say(incident, 'sentinel');
    await client.message(sentinel);
    expect(client.ids()).toEqual([early, lateId, sentinel]);
  });
});

describe('live room socket: resources', () => {
  it('polls only while someone listens', async () => {
    await waitUntil('earlier sockets are gone', async () => feed.subscriberCount(), (n) => n === 0, { timeoutMs: 5_000, intervalMs: 20 });
    await waitUntil('the poller is idle', async () => feed.isPolling(), (polling) => !polling, { timeoutMs: 5_000, intervalMs: 20 });
    const incident = await newIncident();
    const client = connect(live(incident));
    await client.hello();
    expect(feed.subscriberCount(incident.id)).toBe(1);
    expect(feed.isPolling()).toBe(true);
    await client.close();
    const after = await waitUntil('the socket is unsubscribed and the poller stops', async () => ({ subscribers: feed.subscriberCount(), polling: feed.isPolling() }), (s) => s.subscribers === 0 && !s.polling, { timeoutMs: 5_000, intervalMs: 20 });
    expect(after).toEqual({ subscribers: 0, polling: false });
  });

  it('caps viewers per incident with 4429', async () => {
    const incident = await newIncident();
    const three = [connect(live(incident)), connect(live(incident)), connect(live(incident))];
    for (const client of three) await client.hello();
    const fourth = connect(live(incident));
    await fourth.opened;
    expect((await fourth.closed).code).toBe(LIVE_CLOSE.tooMany);
    // Another incident is not affected, and a freed place can be taken again.
    const elsewhere = connect(live(await newIncident()));
    await elsewhere.hello();
    await three[0]!.close();
    await waitUntil('the closed socket frees its place', async () => feed.subscriberCount(incident.id), (n) => n === 2, { timeoutMs: 5_000, intervalMs: 20 });
    await connect(live(incident)).hello();
    expect(feed.subscriberCount(incident.id)).toBe(3);
  });

  it('pings every heartbeat and terminates a client that stops answering', async () => {
    const incident = await newIncident();
    const healthy = connect(live(incident));
    const silent = connect(live(incident), { autoPong: false });
    await healthy.hello();
    await silent.hello();
    // The silent client misses one ping and is cut off at the next; the healthy one stays.
    expect((await silent.closed).code).toBe(1006);
    await waitUntil('the healthy client has answered several pings', async () => healthy.pings, (n) => n >= 3, { timeoutMs: 5_000, intervalMs: 20 });
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    await waitUntil('the dead socket is unsubscribed', async () => feed.subscriberCount(incident.id), (n) => n === 1, { timeoutMs: 5_000, intervalMs: 20 });
  });

  it('closes sockets and stops the feed when the server closes', async () => {
    const own = await buildServer(pino({ level: 'silent' }), { pollMs: 100 }, {});
    const incident = await newIncident();
    const client = connect(live(incident), {}, own.base);
    await client.hello();
    expect(own.feed.isPolling()).toBe(true);
    await own.server.close();
    // The plugin's preClose closes every socket (1005, no status) before ours would say 1001; either tells clients to reconnect.
    expect([1001, 1005]).toContain((await client.closed).code);
    expect(own.feed.isPolling()).toBe(false);
    expect(own.feed.subscriberCount()).toBe(0);
    expect(() => own.feed.subscribe({ incidentId: incident.id, ref: incident.ref, after: null }, { send: () => {} })).toThrow(/shutting down/);
  });
});
