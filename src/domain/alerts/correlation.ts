import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { formatDuration, formatIncidentRef } from '../../kernel/index.js';
import { recordTimeline, systemActor, type TimelineEntry } from '../incidents/index.js';
import { dependencyNeighbours } from '../services/index.js';

export interface CorrelationSettings {
  windowMs: number;
  labels: string[];
}

export interface NewIncidentRef {
  id: string;
  number: number;
  serviceId: string;
  labels: Record<string, string>;
}

/** Links per new incident: a storm links each incident to a few neighbours, not to all of them. */
export const MAX_LINKS = 5;

interface Candidate {
  id: string;
  number: number;
  service_id: string | null;
  label_matches: string[] | null;
}

/**
 * Links each new incident to the most telling recent ones (within the window): sharing a
 * correlation label value (component, error_code…) or a dependency first, then the same service.
 * One query per new incident, and one write of links and timeline events for the whole batch.
 */
export async function correlateIncidents(tx: Db, incidents: NewIncidentRef[], settings: CorrelationSettings, now: Date): Promise<number> {
  if (!incidents.length) return 0;
  const since = new Date(now.getTime() - settings.windowMs);
  const window = formatDuration(settings.windowMs);
  const links: { a: string; b: string; reason: string }[] = [];
  const timeline: TimelineEntry[] = [];
  const batchIds = incidents.map((i) => i.id);
  const neighboursByService = new Map<string, Awaited<ReturnType<typeof dependencyNeighbours>>>();

  for (const incident of incidents) {
    if (!neighboursByService.has(incident.serviceId)) neighboursByService.set(incident.serviceId, await dependencyNeighbours(tx, incident.serviceId));
    const neighbours = neighboursByService.get(incident.serviceId)!;
    const labelPairs = settings.labels.filter((name) => incident.labels[name]).map((name) => [name, incident.labels[name]!] as const);
    const neighbourIds = neighbours.map((n) => n.serviceId);
    // Three small index-backed lookups rather than one sort over every recent incident: a storm of
    // thousands on one service must stay cheap.
    const keys = labelPairs.map(([name, value]) => `${name}=${value}`);
    if (keys.length) {
      await tx
        .insertInto('incident_correlation_keys')
        .values(keys.map((key) => ({ key, incident_id: incident.id, created_at: now })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    // One index range scan per key: recent incidents that recorded the same "component=…".
    const labelHits = keys.length
      ? sql`(select i.id, i.number, i.service_id, array_agg(split_part(k.key, '=', 1)) as label_matches, max(i.created_at) as created_at
           from incident_correlation_keys k join incidents i on i.id = k.incident_id
           where k.key = any(${keys}::text[]) and k.created_at >= ${since} and k.created_at <= ${now} and k.incident_id <> ${incident.id}
             and k.incident_id in (
               select k2.incident_id from unnest(${keys}::text[]) as q(key)
               cross join lateral (select incident_id from incident_correlation_keys
                                   where key = q.key and created_at >= ${since} and created_at <= ${now} and incident_id <> ${incident.id}
                                   order by created_at desc limit ${MAX_LINKS}) k2)
           group by i.id, i.number, i.service_id
           order by max(i.created_at) desc limit ${MAX_LINKS}) union all`
      : sql``;
    const neighbourHits = neighbourIds.length
      ? sql`(select i.id, i.number, i.service_id, null, i.created_at from incidents i
           where i.service_id = any(${neighbourIds}::text[]) and i.created_at >= ${since} and i.created_at <= ${now}
           order by i.created_at desc limit ${MAX_LINKS}) union all`
      : sql``;
    const result = await sql<Candidate & { created_at: Date }>`
      ${labelHits}
      ${neighbourHits}
      (select i.id, i.number, i.service_id, null as label_matches, i.created_at from incidents i
       where i.service_id = ${incident.serviceId} and i.id <> ${incident.id} and i.created_at >= ${since} and i.created_at <= ${now}
       order by i.created_at desc limit ${MAX_LINKS})
    `.execute(tx);
    const byId = new Map<string, Candidate & { created_at: Date; strong: boolean }>();
    for (const row of result.rows) {
      const seen = byId.get(row.id);
      const strong = Boolean(row.label_matches) || row.service_id !== incident.serviceId;
      if (!seen) byId.set(row.id, { ...row, strong });
      else if (row.label_matches) Object.assign(seen, { label_matches: row.label_matches, strong: true });
    }
    const candidates = [...byId.values()]
      .sort((a, b) => Number(b.strong) - Number(a.strong) || b.created_at.getTime() - a.created_at.getTime())
      .slice(0, MAX_LINKS);

    const summaries: string[] = [];
    for (const candidate of candidates) {
      // Within one batch, link each pair once.
      if (batchIds.includes(candidate.id) && candidate.id > incident.id) continue;
      const reasons: string[] = [];
      if (candidate.service_id === incident.serviceId) reasons.push(`same service ${incident.serviceId}`);
      for (const name of candidate.label_matches ?? []) reasons.push(`same ${name}=${incident.labels[name]}`);
      const neighbour = neighbours.find((n) => n.serviceId === candidate.service_id);
      if (neighbour?.direction === 'depends_on') reasons.push(`${incident.serviceId} depends on ${candidate.service_id}`);
      if (neighbour?.direction === 'dependency_of') reasons.push(`${candidate.service_id} depends on ${incident.serviceId}`);
      if (!reasons.length) continue;
      const reason = `${reasons.join('; ')} (within ${window})`;
      links.push({ a: incident.id, b: candidate.id, reason });
      summaries.push(`${formatIncidentRef(candidate.number)} (${reasons.join('; ')})`);
      timeline.push({ incidentId: candidate.id, at: now, kind: 'related.linked', actor: systemActor, summary: `Related to ${formatIncidentRef(incident.number)}: ${reason}`, data: { related_id: incident.id } });
    }
    if (summaries.length) {
      timeline.push({ incidentId: incident.id, at: now, kind: 'related.linked', actor: systemActor, summary: `Related to ${summaries.join(', ')}, within ${window}`, data: { related_ids: links.filter((l) => l.a === incident.id).map((l) => l.b) } });
    }
  }
  if (!links.length) return 0;
  await sql`
    insert into incident_links (incident_id, related_id, reason, created_at)
    select x, y, r, ${now} from unnest(
      ${[...links.map((l) => l.a), ...links.map((l) => l.b)]}::uuid[],
      ${[...links.map((l) => l.b), ...links.map((l) => l.a)]}::uuid[],
      ${[...links.map((l) => l.reason), ...links.map((l) => l.reason)]}::text[]
    ) as t(x, y, r)
    on conflict do nothing
  `.execute(tx);
  await recordTimeline(tx, timeline);
  return links.length;
}

/** Correlates freshly opened incidents, from what their rows recorded (service and first labels). */
export async function correlateOpenedIncidents(tx: Db, incidentIds: string[], settings: CorrelationSettings, now: Date): Promise<number> {
  if (!incidentIds.length) return 0;
  const rows = await tx.selectFrom('incidents').select(['id', 'number', 'service_id', 'metadata']).where('id', 'in', incidentIds).orderBy('number').execute();
  const incidents = rows
    .filter((row) => row.service_id)
    .map((row) => ({ id: row.id, number: row.number, serviceId: row.service_id!, labels: ((row.metadata as { labels?: Record<string, string> }).labels ?? {}) as Record<string, string> }));
  return correlateIncidents(tx, incidents, settings, now);
}
