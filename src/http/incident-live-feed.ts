import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { formatIncidentRef, type Clock, type Logger } from '../kernel/index.js';
import { LiveFeedRefused, type LiveSink, type LiveSubscription } from './room-live-types.js';
import type { IncidentLiveEvent, IncidentLiveFeedOptions, IncidentLiveMessage } from './incident-live-types.js';
import { PollLoop } from './poll-loop.js';

export type { IncidentLiveEvent, IncidentLiveFeedOptions, IncidentLiveMessage };

interface Row {
  id: string | number;
  incident_id: string;
  kind: string;
  at: Date;
  number: number;
  severity: string;
  status: string;
  title: string;
  service_id: string | null;
}

interface Sub {
  sink: LiveSink<IncidentLiveMessage>;
  state: 'pending' | 'catching' | 'live';
  closed: boolean;
  /** New events above this id are sent; the client has everything up to it. */
  after: number;
  /** Events seen by the poller while this subscriber replays; sent once the replay is done. */
  queued: IncidentLiveEvent[];
  overflow: boolean;
  /** Late rows the replay already sent: when the poller finds them too, they are not sent again. */
  skip: Set<number>;
}

const MAX_QUEUED = 5_000;
const MAX_GAPS = 20_000;
const SELECT = sql.raw('e.id, e.incident_id, e.kind, e.at, i.number, i.severity, i.status, i.title, i.service_id');

const toEvent = (row: Row): IncidentLiveEvent => ({
  type: 'incident',
  event_id: Number(row.id),
  incident_id: row.incident_id,
  ref: formatIncidentRef(row.number),
  kind: row.kind,
  severity: row.severity,
  status: row.status,
  title: row.title,
  service_id: row.service_id,
  at: row.at.toISOString(),
});

/**
 * One poller per process for every /api/v1/live socket: each tick reads the timeline events above the
 * cursor plus the ids it saw missing (transactions still open), joins their incidents, and fans them
 * out. It polls only while someone listens, and starts afresh from the newest event when someone
 * comes back.
 */
export class IncidentLiveFeed {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly gapWindowMs: number;
  private readonly maxBacklog: number;
  private readonly maxSubscribers: number;
  private readonly subs = new Set<Sub>();
  /** Missing ids below the cursor, with when (ms) they were first missed. */
  private readonly gaps = new Map<number, number>();
  private cursor = 0;
  private ready = false;
  private baseline: Promise<void> | null = null;
  /** Bumped when the last subscriber leaves, so a poll or baseline in flight is thrown away. */
  private generation = 0;
  private readonly loop: PollLoop;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: IncidentLiveFeedOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.batchSize = options.batchSize ?? 500;
    this.gapWindowMs = options.gapWindowMs ?? 10_000;
    this.maxBacklog = options.maxBacklog ?? 1_000;
    this.maxSubscribers = options.maxSubscribers ?? 5_000;
    this.loop = new PollLoop({
      tick: () => this.tick(),
      pollMs: this.pollMs,
      logger: this.logger,
      failureMessage: 'incident live feed poll failed',
      canRun: () => !this.closed && this.ready && this.subs.size > 0,
    });
  }

  subscriberCount(): number {
    return this.subs.size;
  }

  /** True while a poll is scheduled or running. */
  isPolling(): boolean {
    return this.loop.busy;
  }

  /** Streams to `sink`: hello, then (with `after`) the events above it, then live events. */
  subscribe(input: { after: number | null }, sink: LiveSink<IncidentLiveMessage>): LiveSubscription {
    if (this.closed) throw new LiveFeedRefused('the server is shutting down', 1001);
    if (this.subs.size >= this.maxSubscribers) throw new LiveFeedRefused('too many live connections; try again later', 4429);
    const sub: Sub = { sink, state: 'pending', closed: false, after: 0, queued: [], overflow: false, skip: new Set() };
    this.subs.add(sub);
    const ready = this.start(sub, input.after);
    // The caller may never await `ready`; a failure is reported through it, not as an unhandled rejection.
    ready.catch(() => {});
    return { ready, close: () => this.unsubscribe(sub) };
  }

  /** Stops polling and drops every subscription; waits for a poll in flight so the pool can close after. */
  async close(): Promise<void> {
    this.closed = true;
    for (const sub of this.subs) sub.closed = true;
    this.subs.clear();
    await this.loop.stop();
  }

  private unsubscribe(sub: Sub): void {
    if (sub.closed) return;
    sub.closed = true;
    sub.queued = [];
    this.subs.delete(sub);
    if (this.subs.size > 0) return;
    // Nobody listens: forget the cursor, so the next subscriber starts at the newest event.
    this.generation += 1;
    this.ready = false;
    this.baseline = null;
    this.gaps.clear();
    this.loop.cancel();
  }

  private async start(sub: Sub, after: number | null): Promise<void> {
    try {
      this.baseline ??= this.loadBaseline(this.generation);
      await this.baseline;
    } catch (error) {
      if (!this.ready) this.baseline = null;
      this.unsubscribe(sub);
      throw error;
    }
    if (sub.closed) return;
    if (after === null || after >= this.cursor) {
      // Nothing to replay; an after= ahead of the cursor was read over REST and is trusted.
      sub.after = after ?? this.cursor;
      sub.state = 'live';
      sub.sink.send({ type: 'hello', cursor: sub.after });
      this.loop.kick(this.pollMs);
      return;
    }
    sub.state = 'catching';
    this.loop.kick(this.pollMs);
    try {
      await this.replay(sub, after);
    } catch (error) {
      this.unsubscribe(sub);
      throw error;
    }
  }

  /** The newest id, and the ids missing just below it (transactions that may still commit). */
  private async loadBaseline(generation: number): Promise<void> {
    const lookback = Math.min(this.batchSize * 4, MAX_GAPS);
    const { rows } = await sql<{ max_id: string; id: string | null }>`
      select c.max_id, e.id
      from (select coalesce(max(id), 0) as max_id from incident_events) c
      left join incident_events e on e.id > c.max_id - ${lookback} and e.id <= c.max_id
    `.execute(this.db);
    if (generation !== this.generation || this.closed) return;
    this.cursor = Number(rows[0]?.max_id ?? 0);
    const present = new Set(rows.flatMap((r) => (r.id === null ? [] : [Number(r.id)])));
    const now = this.clock.now().getTime();
    for (let id = Math.max(1, this.cursor - lookback + 1); id < this.cursor; id++) if (!present.has(id)) this.gaps.set(id, now);
    this.ready = true;
  }

  /** Sends a resuming subscriber the events it missed, or hello with reload when that is too many. */
  private async replay(sub: Sub, after: number): Promise<void> {
    const upTo = this.cursor;
    const { rows } = await sql<Row>`
      select ${SELECT} from incident_events e join incidents i on i.id = e.incident_id
      where e.id > ${after} and e.id <= ${upTo}
      order by e.id limit ${this.maxBacklog + 1}
    `.execute(this.db);
    if (sub.closed || this.closed) return;
    if (sub.overflow) throw new LiveFeedRefused('too many changes while replaying; reconnect with a later after=', 1013);
    if (rows.length > this.maxBacklog) {
      // The client refetches everything after this hello, so what was queued meanwhile is covered.
      sub.after = this.cursor;
      sub.queued = [];
      sub.state = 'live';
      sub.sink.send({ type: 'hello', cursor: sub.after, reload: true });
      return;
    }
    sub.sink.send({ type: 'hello', cursor: after });
    const replayed = new Set<number>();
    for (const row of rows) {
      if (sub.closed) return;
      const event = toEvent(row);
      replayed.add(event.event_id);
      if (this.gaps.has(event.event_id)) sub.skip.add(event.event_id);
      sub.sink.send(event);
    }
    sub.after = Math.max(after, upTo);
    for (const event of sub.queued) {
      if (sub.closed) return;
      if (!replayed.has(event.event_id)) sub.sink.send(event);
    }
    sub.queued = [];
    sub.state = 'live';
  }

  /** One poll; true when the batch came back full and the next poll should follow at once. */
  private async tick(): Promise<boolean> {
    const generation = this.generation;
    const cursor = this.cursor;
    const now = this.clock.now().getTime();
    for (const [id, since] of this.gaps) if (since <= now - this.gapWindowMs) this.gaps.delete(id);
    const gapIds = [...this.gaps.keys()];
    const { rows } = await sql<Row>`
      select ${SELECT}
      from (
        (select id, incident_id, kind, at from incident_events where id > ${cursor} order by id limit ${this.batchSize})
        union all
        (select id, incident_id, kind, at from incident_events where id = any(${gapIds}::bigint[]))
      ) e join incidents i on i.id = e.incident_id
      order by e.id
    `.execute(this.db);
    if (this.closed || generation !== this.generation) return false;
    let fresh = 0;
    for (const row of rows) {
      const event = toEvent(row);
      const id = event.event_id;
      if (id <= cursor) {
        if (!this.gaps.delete(id)) continue;
        this.fanOut(event, true);
        continue;
      }
      fresh += 1;
      this.noteGaps(this.cursor + 1, id, now);
      this.cursor = id;
      this.fanOut(event, false);
    }
    for (const sub of this.subs) for (const id of sub.skip) if (!this.gaps.has(id)) sub.skip.delete(id);
    return fresh >= this.batchSize;
  }

  /** Ids skipped between the cursor and a new row belong to transactions still open (or rolled back). */
  private noteGaps(from: number, to: number, now: number): void {
    for (let id = Math.max(from, to - MAX_GAPS); id < to; id++) this.gaps.set(id, now);
    // Past the cap the oldest go first: they are the likeliest to have been rolled back.
    if (this.gaps.size > MAX_GAPS) {
      const excess = [...this.gaps.keys()].sort((a, b) => a - b).slice(0, this.gaps.size - MAX_GAPS);
      for (const id of excess) this.gaps.delete(id);
    }
  }

  private fanOut(event: IncidentLiveEvent, late: boolean): void {
    for (const sub of this.subs) {
      if (sub.closed) continue;
      if (sub.state === 'catching') {
        if (sub.queued.length < MAX_QUEUED) sub.queued.push(event);
        else sub.overflow = true;
        continue;
      }
      if (sub.state !== 'live') continue;
      if (late) {
        // A late commit is new to everyone, unless this subscriber's replay already read it.
        if (!sub.skip.delete(event.event_id)) sub.sink.send(event);
        continue;
      }
      if (event.event_id > sub.after) {
        sub.after = event.event_id;
        sub.sink.send(event);
      }
    }
  }
}
