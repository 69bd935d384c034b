import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { formatDuration, formatIncidentRef } from '../../kernel/index.js';
import { linkIncidents, recordTimeline, systemActor } from '../incidents/index.js';
import { dependencyNeighbours } from '../services/index.js';

export interface CorrelationSettings {
  windowMs: number;
  labels: string[];
}

interface Candidate {
  id: string;
  number: number;
  service_id: string | null;
  label_matches: string[] | null;
}

/**
 * Links a new incident to recent ones (within the window) on the same service, sharing a
 * correlation label value (component, error_code…), or on a service it depends on or that
 * depends on it. Each link records its reason on both timelines.
 */
export async function correlateIncident(
  tx: Db,
  incident: { id: string; number: number; serviceId: string; labels: Record<string, string> },
  settings: CorrelationSettings,
  now: Date,
): Promise<number> {
  const neighbours = await dependencyNeighbours(tx, incident.serviceId);
  const labelPairs = settings.labels.filter((name) => incident.labels[name]).map((name) => [name, incident.labels[name]!] as const);
  const since = new Date(now.getTime() - settings.windowMs);
  const labelNames = labelPairs.map(([name]) => name);
  const labelValues = labelPairs.map(([, value]) => value);
  const result = await sql<Candidate>`
    select i.id, i.number, i.service_id,
      (select array_agg(distinct l.name) from alerts a
         cross join unnest(${labelNames}::text[], ${labelValues}::text[]) as l(name, value)
        where a.incident_id = i.id and a.labels ->> l.name = l.value) as label_matches
    from incidents i
    where i.id <> ${incident.id}
      and i.created_at >= ${since}
      and i.created_at <= ${now}
    order by i.created_at desc
    limit 200
  `.execute(tx);

  let linked = 0;
  for (const candidate of result.rows) {
    const reasons: string[] = [];
    if (candidate.service_id === incident.serviceId) reasons.push(`same service ${incident.serviceId}`);
    for (const name of candidate.label_matches ?? []) reasons.push(`same ${name}=${incident.labels[name]}`);
    const neighbour = neighbours.find((n) => n.serviceId === candidate.service_id);
    if (neighbour?.direction === 'depends_on') reasons.push(`${incident.serviceId} depends on ${candidate.service_id}`);
    if (neighbour?.direction === 'dependency_of') reasons.push(`${candidate.service_id} depends on ${incident.serviceId}`);
    if (!reasons.length) continue;
    const reason = `${reasons.join('; ')} (within ${formatDuration(settings.windowMs)})`;
    if (!(await linkIncidents(tx, incident.id, candidate.id, reason, now))) continue;
    linked += 1;
    await recordTimeline(tx, [
      { incidentId: incident.id, at: now, kind: 'related.linked', actor: systemActor, summary: `Related to ${formatIncidentRef(candidate.number)}: ${reason}`, data: { related_id: candidate.id } },
      { incidentId: candidate.id, at: now, kind: 'related.linked', actor: systemActor, summary: `Related to ${formatIncidentRef(incident.number)}: ${reason}`, data: { related_id: incident.id } },
    ]);
  }
  return linked;
}
