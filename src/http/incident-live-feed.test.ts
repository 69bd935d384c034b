import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { waitUntil } from '../../test/helpers/wait-until.js';
import type { Db } from '../db/database.js';
import { formatIncidentRef, silentLogger, systemClock } from '../kernel/index.js';
import { IncidentLiveFeed, type IncidentLiveEvent, type IncidentLiveMessage } from './incident-live-feed.js';
import type { LiveSubscription } from './room-live-types.js';

let t: TestDatabase;
let feed: IncidentLiveFeed;
const subscriptions: LiveSubscription[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  for (const s of subscriptions.splice(0)) s.close();
  await feed?.close();
});
afterAll(async () => t?.drop());

async function newIncident(title = 'Checkout is down'): Promise<{ id: string; ref: string }> {
  const now = new Date();
  const row = await t.db.insertInto('incidents').values({
    title, severity: 'P1', category: 'availability', status: 'triggered', priority_score: 80, impact: 'many_users', source: 'test', response_sla_ms: 300_000, sla_due_at: now, created_at: now, updated_at: now,
  }).returning(['id', 'number']).executeTakeFirstOrThrow();
  return { id: row.id, ref: formatIncidentRef(row.number) };
}

async function event(incidentId: string, kind: string, db: Db = t.db): Promise<number> {
  const row = await db.insertInto('incident_events').values({ incident_id: incidentId, at: new Date(), kind, actor: 'system', summary: kind, data: JSON.stringify({}) as never }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

function listen(after: number | null = null) {
  const received: IncidentLiveMessage[] = [];
  const subscription = feed.subscribe({ after }, { send: (m) => void received.push(m) });
  subscriptions.push(subscription);
  const ids = () => received.filter((m): m is IncidentLiveEvent => m.type === 'incident').map((m) => m.event_id);
  const waitFor = (id: number) => waitUntil(`event ${id}`, async () => ids(), (seen) => seen.includes(id), { timeoutMs: 5_000, intervalMs: 10 });
  return { received, subscription, ids, waitFor };
}

describe('IncidentLiveFeed', () => {
  it('delivers, once, an event whose transaction committed after a higher id was sent', async () => {
    feed = new IncidentLiveFeed(t.db, systemClock, silentLogger, { pollMs: 50 });
    const incident = await newIncident();
    const client = listen();
    await client.subscription.ready;

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedLate = new Promise<void>((resolve) => (inserted = resolve));
    let lateId = 0;
    const late = t.db.transaction().execute(async (tx) => {
      lateId = await event(incident.id, 'note', tx);
      inserted();
      await gate;
    });
    await insertedLate;
    const early = await event(incident.id, 'status.acknowledged');
    expect(early).toBeGreaterThan(lateId);
    await client.waitFor(early);
    release();
    await late;
    await client.waitFor(lateId);
    const sentinel = await event(incident.id, 'note');
    await client.waitFor(sentinel);
    expect(client.ids()).toEqual([early, lateId, sentinel]);
  });

  it('joins the incident as it is now', async () => {
    feed = new IncidentLiveFeed(t.db, systemClock, silentLogger, { pollMs: 50 });
    const incident = await newIncident('Payments slow');
    const client = listen();
    await client.subscription.ready;
    await t.db.updateTable('incidents').set({ status: 'acknowledged', severity: 'P0' }).where('id', '=', incident.id).execute();
    const id = await event(incident.id, 'status.acknowledged');
    await client.waitFor(id);
    expect(client.received.at(-1)).toMatchObject({ type: 'incident', ref: incident.ref, status: 'acknowledged', severity: 'P0', title: 'Payments slow', service_id: null });
  });

  it('replays a short backlog, and says reload when the client is too far behind', async () => {
    feed = new IncidentLiveFeed(t.db, systemClock, silentLogger, { pollMs: 50, maxBacklog: 3 });
    const incident = await newIncident();
    const start = await event(incident.id, 'note');
    const three = [await event(incident.id, 'note'), await event(incident.id, 'note'), await event(incident.id, 'note')];
    // The poller must know the newest id first; a live listener makes it load.
    await listen().subscription.ready;

    const near = listen(start);
    await near.subscription.ready;
    expect(near.received[0]).toEqual({ type: 'hello', cursor: start });
    expect(near.ids()).toEqual(three);

    const far = listen(start - 1);
    await far.subscription.ready;
    expect(far.received).toEqual([{ type: 'hello', cursor: three[2], reload: true }]);
    const next = await event(incident.id, 'note');
    await far.waitFor(next);
    await near.waitFor(next);
    expect(far.ids()).toEqual([next]);
  });

  it('polls only while someone listens, and starts at the newest event when someone comes back', async () => {
    feed = new IncidentLiveFeed(t.db, systemClock, silentLogger, { pollMs: 50 });
    const incident = await newIncident();
    const first = listen();
    await first.subscription.ready;
    expect(feed.isPolling()).toBe(true);
    first.subscription.close();
    await waitUntil('the poller stops', async () => feed.isPolling(), (polling) => !polling, { timeoutMs: 5_000, intervalMs: 10 });

    const missed = await event(incident.id, 'note');
    const again = listen();
    await again.subscription.ready;
    expect(again.received[0]).toEqual({ type: 'hello', cursor: missed });
    const next = await event(incident.id, 'note');
    await again.waitFor(next);
    expect(again.ids()).toEqual([next]);
  });

  it('refuses subscribers past the cap and after close', async () => {
    feed = new IncidentLiveFeed(t.db, systemClock, silentLogger, { maxSubscribers: 1 });
    await listen().subscription.ready;
    expect(() => feed.subscribe({ after: null }, { send: () => {} })).toThrow(/too many/);
    await feed.close();
    expect(feed.isPolling()).toBe(false);
    expect(() => feed.subscribe({ after: null }, { send: () => {} })).toThrow(/shutting down/);
  });
});
