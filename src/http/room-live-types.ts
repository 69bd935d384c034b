/** The live feed's vocabulary: what sockets receive and what the feed reads. */
/** A room message as the live feed sends it: the same shape as GET …/room/messages. */
export interface LiveRoomMessage {
  id: number;
  provider: string;
  author_user_id: string | null;
  author_label: string;
  kind: 'human' | 'system' | 'card';
  text: string;
  doc: unknown;
  created_at: string;
  updated_at: string;
}

/**
 * What a live socket receives. `message` is a row the client has not had yet (ids above `after`,
 * or a row whose transaction committed late); `update` is a row it has, changed (the live card).
 * Clients should upsert by id on both.
 */
export type LiveRoomEvent =
  | { type: 'hello'; incident: string; after: number }
  | { type: 'message' | 'update'; message: LiveRoomMessage };

export interface RoomLiveFeedOptions {
  /** How often the shared poller looks for changes. */
  pollMs?: number;
  /** Rows per incident per query (new rows, replay pages and changes each). */
  batchSize?: number;
  /**
   * How far back (by updated_at, on the app clock) each poll re-reads rows at or below the cursor.
   * It catches card updates and rows whose transaction committed after a higher id was seen, so it
   * must exceed the longest transaction that writes room_messages.
   */
  changeWindowMs?: number;
  maxPerIncident?: number;
  maxSubscribers?: number;
}

/** Where a subscription's events go. */
export interface LiveSink<E = LiveRoomEvent> {
  send(event: E): void;
  /** Resolves when the client has taken what was sent (replay waits for it between pages). */
  drained?(): Promise<void>;
}

export interface LiveSubscription {
  /** Settles once hello is sent and any replay (after=) is done; rejects if the feed failed to start. */
  readonly ready: Promise<void>;
  close(): void;
}

/** Thrown by subscribe() when the feed is closed or full; `code` is the websocket close code to use. */
export class LiveFeedRefused extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export interface LiveRow {
  id: number;
  incident_id: string;
  provider: string;
  author_user_id: string | null;
  author_label: string;
  kind: 'human' | 'system' | 'card';
  text: string;
  doc: unknown;
  created_at: Date;
  updated_at: Date;
}

export function toLiveMessage(row: LiveRow): LiveRoomMessage {
  return {
    id: Number(row.id),
    provider: row.provider,
    author_user_id: row.author_user_id,
    author_label: row.author_label,
    kind: row.kind,
    text: row.text,
    doc: row.doc,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
