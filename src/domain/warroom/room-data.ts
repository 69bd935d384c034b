import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { formatIncidentRef, type Severity } from '../../kernel/index.js';
import type { RoomAlert, RoomIncident, SimilarIncident, StatusChange } from './room-posts.js';

export async function loadRoomIncident(db: Db, incidentId: string): Promise<RoomIncident | null> {
  const row = await db
    .selectFrom('incidents as i')
    .leftJoin('services as s', 's.id', 'i.service_id')
    .select(['i.id', 'i.number', 'i.title', 'i.severity', 'i.status', 'i.service_id', 's.name as service_name', 'i.created_at', 'i.acknowledged_at', 'i.resolved_at', 'i.resolved_by', 'i.impact', 'i.alert_count', 'i.open_alert_count', 's.links'])
    .where('i.id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity as Severity,
    status: row.status,
    serviceId: row.service_id,
    serviceName: row.service_name,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    impact: row.impact,
    alertCount: row.alert_count,
    openAlertCount: row.open_alert_count,
    links: (row.links as Record<string, string> | null) ?? {},
  };
}

export async function loadRoomAlerts(db: Db, incidentId: string): Promise<RoomAlert[]> {
  const rows = await db
    .selectFrom('alerts')
    .select(['title', 'status', 'labels', 'annotations', 'starts_at', 'last_seen_at', 'count', 'generator_url'])
    .where('incident_id', '=', incidentId)
    .orderBy('status', 'asc')
    .orderBy('last_seen_at', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({ title: r.title, status: r.status, labels: r.labels, annotations: r.annotations, startsAt: r.starts_at, lastSeenAt: r.last_seen_at, count: r.count, generatorUrl: r.generator_url }));
}

/** Resolved incidents like this one: the same alert, the same service, or the same category. */
export async function findSimilarIncidents(db: Db, incidentId: string, publicUrl: string, limit = 3): Promise<SimilarIncident[]> {
  const rows = await sql<{ number: number; title: string; resolved_by: string | null; why: string }>`
    select o.number, o.title, o.resolved_by,
      case when o.metadata -> 'labels' ->> 'alertname' = i.metadata -> 'labels' ->> 'alertname' and o.service_id is not distinct from i.service_id then 'same alert on the same service'
           when o.metadata -> 'labels' ->> 'alertname' = i.metadata -> 'labels' ->> 'alertname' then 'same alert'
           when o.service_id = i.service_id then 'same service' else 'same category' end as why
    from incidents i join incidents o on o.id <> i.id and o.status in ('resolved', 'closed')
      and (o.service_id = i.service_id or o.category = i.category or o.metadata -> 'labels' ->> 'alertname' = i.metadata -> 'labels' ->> 'alertname')
    where i.id = ${incidentId} and o.created_at > i.created_at - interval '180 days'
    order by (o.metadata -> 'labels' ->> 'alertname' is not distinct from i.metadata -> 'labels' ->> 'alertname') desc,
      (o.service_id is not distinct from i.service_id) desc, o.created_at desc
    limit ${limit}
  `.execute(db);
  const base = publicUrl.replace(/\/$/, '');
  return rows.rows.map((r) => ({ ref: formatIncidentRef(r.number), title: r.title, url: `${base}/incidents/${formatIncidentRef(r.number)}`, resolvedBy: r.resolved_by, why: r.why }));
}

/** Timeline entries since a moment, minus the room's own chatter, for "what changed". */
export async function changesSince(db: Db, incidentId: string, since: Date): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom('incident_events')
    .select(['at', 'summary', 'kind'])
    .where('incident_id', '=', incidentId)
    .where('at', '>', since)
    .where('kind', 'not in', ['room.status_update', 'chat.message'])
    .orderBy('at', 'desc')
    .limit(5)
    .execute();
  return rows.reverse().map((r) => ({ at: r.at, summary: r.summary }));
}
