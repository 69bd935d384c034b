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

/** Appends events to incident timelines in one statement. */
export async function recordTimeline(tx: Db, entries: TimelineEntry[]): Promise<void> {
  if (!entries.length) return;
  await tx
    .insertInto('incident_events')
    .values(
      entries.map((entry) => ({
        incident_id: entry.incidentId,
        at: entry.at,
        kind: entry.kind,
        actor: actorLabel(entry.actor),
        summary: entry.summary,
        data: JSON.stringify(entry.data ?? {}),
      })),
    )
    .execute();
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
