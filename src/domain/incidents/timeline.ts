import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { actorLabel, type Actor } from './actor.js';

export interface TimelineEntry {
  incidentId: string;
  at: Date;
  kind: string;
  actor: Actor;
  summary: string;
  data?: Record<string, unknown>;
}

/** Appends events to incident timelines in one statement (arrays, so batch size is unbounded). */
export async function recordTimeline(tx: Db, entries: TimelineEntry[]): Promise<void> {
  if (!entries.length) return;
  await sql`
    insert into incident_events (incident_id, at, kind, actor, summary, data)
    select * from unnest(
      ${entries.map((e) => e.incidentId)}::uuid[],
      ${entries.map((e) => e.at.toISOString())}::timestamptz[],
      ${entries.map((e) => e.kind)}::text[],
      ${entries.map((e) => actorLabel(e.actor))}::text[],
      ${entries.map((e) => e.summary)}::text[],
      ${entries.map((e) => JSON.stringify(e.data ?? {}))}::jsonb[]
    )
  `.execute(tx);
}

export async function listTimeline(db: Db, incidentId: string, options: { afterId?: number; limit?: number } = {}) {
  return db
    .selectFrom('incident_events')
    .select(['id', 'at', 'kind', 'actor', 'summary', 'data'])
    .where('incident_id', '=', incidentId)
    .where('id', '>', String(options.afterId ?? 0))
    .orderBy('id')
    .limit(options.limit ?? 1000)
    .execute();
}
