import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { isOpenStatus } from '../incidents/index.js';
import type { AlertSignal } from './alert-signal.js';

export interface NewAlertRow {
  id: string;
  service_id: string;
  incident_id: string;
  fingerprint: string;
  source: string;
  status: 'firing' | 'resolved';
  title: string;
  description: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string;
  source_severity: string | null;
  category: string;
  generator_url: string | null;
  starts_at: Date;
  ends_at: Date | null;
  last_seen_at: Date;
  count: number;
  flapping: boolean;
  group_reason: string;
  created_at: Date;
}

export interface AlertWrites {
  inserts: NewAlertRow[];
  duplicateUpdates: { id: string; count: number; signal: AlertSignal }[];
  resolved: { id: string; endsAt: Date }[];
  deltas: Map<string, { added: number; openDelta: number }>;
  now: Date;
}

export interface IncidentCounts {
  status: string;
  open: boolean;
  openAlertCount: number;
  flapping: boolean;
}

const INSERT_CHUNK = 1000;

/**
 * Writes a batch's alert changes as set-based statements. Resolves go first so that an alert
 * resolved and fired again in one batch does not collide with the one-firing-row-per-fingerprint index.
 */
export async function flushAlertWrites(tx: Db, writes: AlertWrites): Promise<Map<string, IncidentCounts>> {
  const { now } = writes;
  if (writes.resolved.length) {
    await sql`
      update alerts a set status = 'resolved', ends_at = v.ends_at, last_seen_at = ${now}
      from unnest(${writes.resolved.map((r) => r.id)}::uuid[], ${writes.resolved.map((r) => r.endsAt.toISOString())}::timestamptz[]) as v(id, ends_at)
      where a.id = v.id
    `.execute(tx);
  }
  if (writes.duplicateUpdates.length) {
    const rows = writes.duplicateUpdates;
    await sql`
      update alerts a set
        count = a.count + v.n,
        last_seen_at = ${now},
        title = v.title,
        description = v.description,
        annotations = v.annotations::jsonb
      from unnest(
        ${rows.map((r) => r.id)}::uuid[],
        ${rows.map((r) => r.count)}::int[],
        ${rows.map((r) => r.signal.title)}::text[],
        ${rows.map((r) => r.signal.description)}::text[],
        ${rows.map((r) => JSON.stringify(r.signal.annotations))}::text[]
      ) as v(id, n, title, description, annotations)
      where a.id = v.id
    `.execute(tx);
  }
  for (let start = 0; start < writes.inserts.length; start += INSERT_CHUNK) {
    const chunk = writes.inserts.slice(start, start + INSERT_CHUNK);
    await tx
      .insertInto('alerts')
      .values(chunk.map((row) => ({ ...row, labels: JSON.stringify(row.labels), annotations: JSON.stringify(row.annotations) })))
      .execute();
  }
  const counts = new Map<string, IncidentCounts>();
  if (!writes.deltas.size) return counts;
  const ids = [...writes.deltas.keys()];
  const updated = await sql<{ id: string; status: string; open_alert_count: number; flapping: boolean }>`
    update incidents i set
      alert_count = i.alert_count + v.added,
      open_alert_count = greatest(0, i.open_alert_count + v.open_delta),
      last_alert_at = ${now},
      updated_at = ${now}
    from unnest(
      ${ids}::uuid[],
      ${ids.map((id) => writes.deltas.get(id)!.added)}::int[],
      ${ids.map((id) => writes.deltas.get(id)!.openDelta)}::int[]
    ) as v(id, added, open_delta)
    where i.id = v.id
    returning i.id, i.status, i.open_alert_count, i.flapping
  `.execute(tx);
  for (const row of updated.rows) {
    counts.set(row.id, { status: row.status, open: isOpenStatus(row.status), openAlertCount: row.open_alert_count, flapping: row.flapping });
  }
  return counts;
}
