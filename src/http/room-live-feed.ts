import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Clock, Logger } from '../kernel/index.js';
import { LiveFeedRefused, toLiveMessage, type LiveRoomEvent, type LiveRoomMessage, type LiveRow as Row, type LiveSink, type LiveSubscription, type RoomLiveFeedOptions } from './room-live-types.js';
import { PollLoop } from './poll-loop.js';

export { LiveFeedRefused, toLiveMessage, type LiveRoomEvent, type LiveRoomMessage, type LiveSink, type LiveSubscription, type RoomLiveFeedOptions };

interface Room {
  incidentId: string;
  ready: boolean;
  /** Highest id the feed has seen for this incident. */
  cursorId: number;
  /** Rows inside the change window, with the updated_at (ms) last seen, to tell a change from a re-read. */
  versions: Map<number, number>;
  /** When (app clock, ms) the last poll of this room started; the change window reaches back from it. */
  polledAt: number;
  subs: Set<Sub>;
  baseline: Promise<void> | null;
}

interface Sub {
  room: Room;
  sink: LiveSink;
  /** pending: waiting for the room's baseline; catching: replaying after=; live: fed by the poller. */
  state: 'pending' | 'catching' | 'live';
  closed: boolean;
  /** Every row with id <= after has been sent, or was known to the client when it connected. */
  after: number;
  /** Rows sent inside the change window and their updated_at, so nothing is sent twice. */
  sent: Map<number, number>;
  /** Changes seen by the poller while this subscriber was replaying; sent once the replay passes them. */
  queued: Row[];
  /** More changes queued during the replay than MAX_QUEUED: the replay gives up. */
  overflow: boolean;
}

const COLUMNS = sql.raw('m.id, m.incident_id, m.provider, m.author_user_id, m.author_label, m.kind, m.text, m.doc, m.created_at, m.updated_at');
const MAX_QUEUED = 5_000;


/**
 * One poller per process for the web rooms' live sockets. Each tick, for the incidents that have
 * subscribers, it runs one query for rows above each incident's cursor and one for rows at or below
 * it updated within the change window, then fans the rows out. It polls only while someone listens.
 *
 * Ids are assigned before commit, so a row can become visible after a higher id was already sent; the
 * change window re-reads recent rows so such a row still arrives (as `message`), and per-subscriber
 * bookkeeping makes sure nothing arrives twice.
 */
export class RoomLiveFeed {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly windowMs: number;
  private readonly maxPerIncident: number;
  private readonly maxSubscribers: number;
  private readonly rooms = new Map<string, Room>();
  private readonly loop: PollLoop;
  private closed = false;
  private total = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: RoomLiveFeedOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.batchSize = options.batchSize ?? 200;
    this.windowMs = options.changeWindowMs ?? 10_000;
    this.maxPerIncident = options.maxPerIncident ?? 200;
    this.maxSubscribers = options.maxSubscribers ?? 5_000;
    this.loop = new PollLoop({
      tick: () => this.tick(),
      pollMs: this.pollMs,
      logger: this.logger,
      failureMessage: 'room live feed poll failed',
      canRun: () => !this.closed && this.total > 0,
    });
  }

  /** Open subscriptions, for one incident (by id) or in all. */
  subscriberCount(incidentId?: string): number {
    if (incidentId === undefined) return this.total;
    return this.rooms.get(incidentId)?.subs.size ?? 0;
  }

  /** True while a poll is scheduled or running. */
  isPolling(): boolean {
    return this.loop.busy;
  }

  /**
   * Starts streaming one incident's room to `sink`: hello first, then (with `after`) every row above
   * it, then live changes. Without `after` the stream starts at the room's newest row.
   */
  subscribe(input: { incidentId: string; ref: string; after: number | null }, sink: LiveSink): LiveSubscription {
    if (this.closed) throw new LiveFeedRefused('the server is shutting down', 1001);
    if (this.total >= this.maxSubscribers) throw new LiveFeedRefused('too many live connections; try again later', 4429);
    let room = this.rooms.get(input.incidentId);
    if (room && room.subs.size >= this.maxPerIncident) throw new LiveFeedRefused(`too many live viewers of ${input.ref}; try again later`, 4429);
    if (!room) {
      room = { incidentId: input.incidentId, ready: false, cursorId: 0, versions: new Map(), polledAt: 0, subs: new Set(), baseline: null };
      this.rooms.set(input.incidentId, room);
    }
    const sub: Sub = { room, sink, state: 'pending', closed: false, after: 0, sent: new Map(), queued: [], overflow: false };
    room.subs.add(sub);
    this.total += 1;
    const ready = this.start(sub, input.ref, input.after);
    // The caller may never await `ready`; a failure is reported through it, not as an unhandled rejection.
    ready.catch(() => {});
    return { ready, close: () => this.unsubscribe(sub) };
  }

  /** Stops polling and drops every subscription; waits for a poll in flight so the pool can close after. */
  async close(): Promise<void> {
    this.closed = true;
    for (const room of this.rooms.values()) for (const sub of room.subs) sub.closed = true;
    this.rooms.clear();
    this.total = 0;
    await this.loop.stop();
  }

  private unsubscribe(sub: Sub): void {
    if (sub.closed) return;
    sub.closed = true;
    sub.queued = [];
    const room = sub.room;
    if (room.subs.delete(sub)) this.total -= 1;
    if (room.subs.size === 0 && this.rooms.get(room.incidentId) === room) this.rooms.delete(room.incidentId);
    if (this.total === 0) this.loop.cancel();
  }

  private async start(sub: Sub, ref: string, after: number | null): Promise<void> {
    const room = sub.room;
    try {
      room.baseline ??= this.loadBaseline(room);
      await room.baseline;
    } catch (error) {
      // The next subscriber retries the baseline.
      if (room.baseline && !room.ready) room.baseline = null;
      this.unsubscribe(sub);
      throw error;
    }
    if (sub.closed) return;
    sub.after = after ?? room.cursorId;
    sub.state = 'catching';
    sub.sink.send({ type: 'hello', incident: ref, after: sub.after });
    this.loop.kick(this.pollMs);
    try {
      await this.replay(sub);
    } catch (error) {
      this.unsubscribe(sub);
      throw error;
    }
  }

  /** The room's newest id and the versions of rows inside the change window, from one snapshot. */
  private async loadBaseline(room: Room): Promise<void> {
    const startedAt = this.clock.now().getTime();
    const since = new Date(startedAt - this.windowMs);
    const { rows } = await sql<{ max_id: number; id: number | null; updated_at: Date | null }>`
      select c.max_id, r.id, r.updated_at
      from (select coalesce(max(id), 0) as max_id from room_messages where incident_id = ${room.incidentId}) c
      left join room_messages r on r.incident_id = ${room.incidentId} and r.id <= c.max_id and r.updated_at > ${since}
    `.execute(this.db);
    room.cursorId = Number(rows[0]?.max_id ?? 0);
    for (const row of rows) if (row.id !== null && row.updated_at) room.versions.set(Number(row.id), row.updated_at.getTime());
    room.polledAt = startedAt;
    room.ready = true;
  }

  /** Sends a replaying subscriber every row above its `after` up to the room's cursor, page by page. */
  private async replay(sub: Sub): Promise<void> {
    const room = sub.room;
    for (;;) {
      if (sub.closed || this.closed) return;
      if (sub.overflow) throw new LiveFeedRefused('too many changes while replaying; reconnect with a later after=', 1013);
      this.flushQueued(sub);
      if (sub.closed) return;
      if (sub.after >= room.cursorId) break;
      const upTo = room.cursorId;
      const { rows } = await sql<Row>`
        select ${COLUMNS} from room_messages m
        where m.incident_id = ${room.incidentId} and m.id > ${sub.after} and m.id <= ${upTo}
        order by m.id limit ${this.batchSize}
      `.execute(this.db);
      if (sub.closed || this.closed) return;
      for (const row of rows) {
        this.deliver(sub, row);
        if (sub.closed) return;
      }
      const last = rows[rows.length - 1];
      if (last) sub.after = Math.max(sub.after, last.id);
      // Ids up to upTo that this snapshot lacks are gaps or late commits; the change window catches the latter.
      if (rows.length < this.batchSize) sub.after = Math.max(sub.after, upTo);
      await sub.sink.drained?.();
    }
    sub.state = 'live';
  }

  private flushQueued(sub: Sub): void {
    if (!sub.queued.length) return;
    const keep: Row[] = [];
    for (const row of sub.queued) {
      if (sub.closed) return;
      if (row.id <= sub.after) this.deliver(sub, row);
      else keep.push(row);
    }
    sub.queued = keep;
  }

  /** One poll; true when a batch came back full and the next poll should follow at once. */
  private async tick(): Promise<boolean> {
    const rooms = [...this.rooms.values()].filter((r) => r.ready && r.subs.size > 0);
    if (!rooms.length) return false;
    const startedAt = this.clock.now().getTime();
    const ids = rooms.map((r) => r.incidentId);
    const cursors = rooms.map((r) => r.cursorId);
    const since = rooms.map((r) => new Date(r.polledAt - this.windowMs).toISOString());
    const fresh = await sql<Row>`
      select ${COLUMNS}
      from unnest(${ids}::uuid[], ${cursors}::bigint[]) as w(incident_id, after_id)
      cross join lateral (
        select * from room_messages r where r.incident_id = w.incident_id and r.id > w.after_id order by r.id limit ${this.batchSize}
      ) m
      order by m.id
    `.execute(this.db);
    const changed = await sql<Row>`
      select ${COLUMNS}
      from unnest(${ids}::uuid[], ${cursors}::bigint[], ${since}::timestamptz[]) as w(incident_id, upto_id, since)
      cross join lateral (
        select * from room_messages r where r.incident_id = w.incident_id and r.id <= w.upto_id and r.updated_at > w.since
        order by r.updated_at desc, r.id desc limit ${this.batchSize}
      ) m
      order by m.updated_at, m.id
    `.execute(this.db);
    if (this.closed) return false;

    let more = false;
    const byRoom = (rows: Row[]) => {
      const grouped = new Map<string, Row[]>();
      for (const row of rows) {
        row.id = Number(row.id);
        const list = grouped.get(row.incident_id);
        if (list) list.push(row);
        else grouped.set(row.incident_id, [row]);
      }
      return grouped;
    };
    const freshByRoom = byRoom(fresh.rows);
    const changedByRoom = byRoom(changed.rows);
    for (const room of rooms) {
      // A room everybody left during the query (maybe re-created since) is not fed.
      if (this.rooms.get(room.incidentId) !== room) continue;
      const newRows = freshByRoom.get(room.incidentId) ?? [];
      const changedRows = changedByRoom.get(room.incidentId) ?? [];
      if (newRows.length >= this.batchSize) more = true;
      if (changedRows.length >= this.batchSize) this.logger.warn({ incident: room.incidentId, rows: changedRows.length }, 'room live feed: more changed rows than one batch inside the change window');
      this.feedNew(room, newRows);
      this.feedChanged(room, changedRows);
      room.polledAt = startedAt;
      const horizon = startedAt - this.windowMs;
      for (const [id, at] of room.versions) if (at <= horizon) room.versions.delete(id);
      for (const sub of room.subs) for (const [id, at] of sub.sent) if (at <= horizon) sub.sent.delete(id);
    }
    return more;
  }

  private feedNew(room: Room, rows: Row[]): void {
    const horizon = room.polledAt - this.windowMs;
    for (const row of rows) {
      room.cursorId = Math.max(room.cursorId, row.id);
      const at = row.updated_at.getTime();
      if (at > horizon) room.versions.set(row.id, at);
      // Replaying subscribers read up to the cursor themselves; a client whose after= is ahead of the
      // cursor (it read newer rows over REST) already has the rows up to it.
      for (const sub of room.subs) if (sub.state === 'live' && row.id > sub.after) this.deliver(sub, row);
    }
  }

  private feedChanged(room: Room, rows: Row[]): void {
    for (const row of rows) {
      const at = row.updated_at.getTime();
      const known = room.versions.get(row.id);
      if (known !== undefined && known >= at) continue;
      room.versions.set(row.id, at);
      for (const sub of room.subs) {
        if (sub.state === 'live') this.deliver(sub, row);
        else if (sub.queued.length < MAX_QUEUED) sub.queued.push(row);
        else sub.overflow = true;
      }
    }
  }

  private deliver(sub: Sub, row: Row): void {
    if (sub.closed) return;
    const at = row.updated_at.getTime();
    const sent = sub.sent.get(row.id);
    if (sent !== undefined && sent >= at) return;
    const isNew = row.id > sub.after;
    // A row at or below the cursor that was never edited and never sent committed late: it is new to the client.
    const type = isNew || (sent === undefined && at <= row.created_at.getTime()) ? 'message' : 'update';
    if (isNew) sub.after = row.id;
    if (at > sub.room.polledAt - this.windowMs) sub.sent.set(row.id, at);
    sub.sink.send({ type, message: toLiveMessage(row) });
  }
}
