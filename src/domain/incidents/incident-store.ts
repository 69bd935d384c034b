import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { IncidentRow } from '../../db/schema.js';
import { NotFoundError, formatIncidentRef, parseIncidentRef, type Severity } from '../../kernel/index.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds an incident by uuid, "INC-42" or "42"; `forUpdate` locks the row for the caller's transaction. */
export async function findIncident(db: Db, ref: string, options: { forUpdate?: boolean } = {}): Promise<IncidentRow> {
  let query = db.selectFrom('incidents').selectAll();
  if (UUID_RE.test(ref)) query = query.where('id', '=', ref);
  else {
    const number = parseIncidentRef(ref);
    if (number === null || number > 2_147_483_647) throw new NotFoundError(`incident ${ref} not found`);
    query = query.where('number', '=', number);
  }
  const row = await (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw new NotFoundError(`incident ${ref} not found`);
  return row;
}

export interface IncidentFilter {
  statuses?: string[];
  severities?: Severity[];
  serviceIds?: string[];
  assigneeUserId?: string;
  /** Keyset pagination: incidents numbered below this. */
  beforeNumber?: number;
  limit: number;
}

export async function listIncidents(db: Db, filter: IncidentFilter): Promise<{ items: IncidentRow[]; nextCursor: string | null }> {
  let query = db.selectFrom('incidents').selectAll().orderBy('number', 'desc').limit(filter.limit + 1);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.severities?.length) query = query.where('severity', 'in', filter.severities);
  if (filter.serviceIds?.length) query = query.where('service_id', 'in', filter.serviceIds);
  if (filter.assigneeUserId) query = query.where('assignee_user_id', '=', filter.assigneeUserId);
  if (filter.beforeNumber) query = query.where('number', '<', filter.beforeNumber);
  const rows = await query.execute();
  const items = rows.slice(0, filter.limit);
  const nextCursor = rows.length > filter.limit ? String(items[items.length - 1]!.number) : null;
  return { items, nextCursor };
}

export async function relatedIncidents(db: Db, incidentId: string) {
  return db
    .selectFrom('incident_links as l')
    .innerJoin('incidents as i', 'i.id', 'l.related_id')
    .select(['i.id', 'i.number', 'i.title', 'i.status', 'i.severity', 'i.service_id', 'l.reason', 'l.created_at'])
    .where('l.incident_id', '=', incidentId)
    .orderBy('l.created_at')
    .execute();
}

/** Links two incidents both ways; linking twice is a no-op. Returns whether a new link was made. */
export async function linkIncidents(tx: Db, a: string, b: string, reason: string, at: Date): Promise<boolean> {
  const result = await tx
    .insertInto('incident_links')
    .values([
      { incident_id: a, related_id: b, reason, created_at: at },
      { incident_id: b, related_id: a, reason, created_at: at },
    ])
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function countIncidentsByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('incidents')
    .select(['status', sql<number>`count(*)::int`.as('count')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

export function toIncidentDto(row: IncidentRow, now: Date) {
  const breached = row.acknowledged_at ? row.acknowledged_at > row.sla_due_at : now > row.sla_due_at && row.status === 'triggered';
  return {
    id: row.id,
    ref: formatIncidentRef(row.number),
    number: row.number,
    title: row.title,
    description: row.description,
    service_id: row.service_id,
    severity: row.severity as Severity,
    category: row.category,
    status: row.status,
    priority_score: row.priority_score,
    impact: row.impact,
    source: row.source,
    classification_rule: row.classification_rule,
    group_key: row.group_key,
    response_sla_ms: row.response_sla_ms,
    sla_due_at: row.sla_due_at.toISOString(),
    sla_breached: breached,
    assignee_user_id: row.assignee_user_id,
    tags: row.tags,
    alert_count: row.alert_count,
    open_alert_count: row.open_alert_count,
    flapping: row.flapping,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    last_alert_at: row.last_alert_at?.toISOString() ?? null,
    acknowledged_at: row.acknowledged_at?.toISOString() ?? null,
    resolved_at: row.resolved_at?.toISOString() ?? null,
    resolved_by: row.resolved_by,
    closed_at: row.closed_at?.toISOString() ?? null,
  };
}
export type IncidentDto = ReturnType<typeof toIncidentDto>;
