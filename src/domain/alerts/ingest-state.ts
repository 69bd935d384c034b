import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Severity } from '../../kernel/index.js';
import { isOpenStatus } from '../incidents/index.js';
import type { RuntimeSettings } from '../services/index.js';
import { groupKeyFor } from './grouping.js';
import type { IngestItem } from './ingest-item.js';

export interface OpenIncident {
  id: string;
  number: number;
  severity: Severity;
  impact: string;
  flapping: boolean;
  status: string;
  open: boolean;
  lastAlertAt: Date;
  autoResolve: boolean;
  /** Set when warroom itself resolved it (all alerts resolved), not a person. */
  autoResolvedAt: Date | null;
}

export interface IngestState {
  /** Firing alerts keyed by service + fingerprint. */
  openAlerts: Map<string, { id: string; incident_id: string | null }>;
  /** The incidents those firing alerts belong to. */
  incidentsOfOpenAlerts: Map<string, OpenIncident>;
  /** The most recent open incident per service + group key. */
  openIncidentsByGroup: Map<string, OpenIncident>;
  /** For fingerprints not firing now: the incident of their latest occurrence. */
  lastIncidents: Map<string, OpenIncident | null>;
  /** Occurrences per fingerprint within the flap window. */
  recentOccurrences: Map<string, number>;
  /** Firing alerts whose incident someone closed meanwhile: the batch ends them first. */
  staleAlerts: { key: string; id: string }[];
}

interface IncidentRowLite {
  id: string;
  number: number;
  severity: string;
  impact: string;
  flapping: boolean;
  status: string;
  last_alert_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  created_at: Date;
  service_id: string | null;
  group_key: string | null;
}

/** The incident columns every state read returns (IncidentRowLite). */
const INCIDENT_COLUMNS = sql.raw(
  'i.id, i.number, i.severity, i.impact, i.flapping, i.status, i.last_alert_at, i.resolved_at, i.resolved_by, i.created_at, i.service_id, i.group_key',
);

/** Reads everything one batch needs in at most three queries. */
export async function loadIngestState(tx: Db, items: IngestItem[], settings: RuntimeSettings, now: Date): Promise<IngestState> {
  const autoResolve = new Map(items.map((item) => [item.service.id, item.service.autoResolve]));
  const toOpenIncident = (row: IncidentRowLite): OpenIncident => ({
    id: row.id,
    number: row.number,
    severity: row.severity as Severity,
    impact: row.impact,
    flapping: row.flapping,
    status: row.status,
    open: isOpenStatus(row.status),
    lastAlertAt: row.last_alert_at ?? row.created_at,
    autoResolve: autoResolve.get(row.service_id ?? '') ?? true,
    autoResolvedAt: row.resolved_by === 'system' ? row.resolved_at : null,
  });

  const keys = unique(items.map((item) => [item.service.id, item.signal.fingerprint] as const));
  const openRows = await sql<{ alert_id: string; fingerprint: string; incident_id: string | null; alert_service: string } & IncidentRowLite>`
    select a.id as alert_id, a.service_id as alert_service, a.fingerprint, a.incident_id,
      ${INCIDENT_COLUMNS}
    from alerts a
    join unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[]) as k(service_id, fingerprint)
      on a.service_id = k.service_id and a.fingerprint = k.fingerprint
    left join incidents i on i.id = a.incident_id
    where a.status = 'firing'
  `.execute(tx);
  const openAlerts = new Map(
    openRows.rows.map((row) => [`${row.alert_service}\u0000${row.fingerprint}`, { id: row.alert_id, incident_id: row.incident_id }]),
  );
  const incidentsOfOpenAlerts = new Map(openRows.rows.filter((row) => row.id).map((row) => [row.id, toOpenIncident(row)]));

  // Triggers that may open a new occurrence: not firing now, or resolved earlier in this batch.
  const resolvedInBatch = new Set<string>();
  const fresh = items.filter((item) => {
    const key = `${item.service.id}\u0000${item.signal.fingerprint}`;
    if (item.signal.action === 'resolve') resolvedInBatch.add(key);
    return item.signal.action === 'trigger' && (!openAlerts.has(key) || resolvedInBatch.has(key));
  });
  const state: IngestState = { openAlerts, incidentsOfOpenAlerts, openIncidentsByGroup: new Map(), lastIncidents: new Map(), recentOccurrences: new Map(), staleAlerts: [] };
  if (!fresh.length) return lockIncidents(tx, state);

  const groups = unique(fresh.map((item) => [item.service.id, groupKeyFor(item.service.id, item.signal.labels, item.signal.fingerprint, item.service.grouping).key] as const));
  const groupRows = await sql<IncidentRowLite>`
    select distinct on (i.service_id, i.group_key)
      ${INCIDENT_COLUMNS}
    from incidents i
    join unnest(${groups.map((g) => g[0])}::text[], ${groups.map((g) => g[1])}::text[]) as g(service_id, group_key)
      on i.service_id = g.service_id and i.group_key = g.group_key
    where i.status not in ('resolved', 'closed')
    order by i.service_id, i.group_key, i.last_alert_at desc nulls last
  `.execute(tx);
  for (const row of groupRows.rows) state.openIncidentsByGroup.set(`${row.service_id}\u0000${row.group_key}`, toOpenIncident(row));

  const freshKeys = unique(fresh.map((item) => [item.service.id, item.signal.fingerprint] as const));
  const since = new Date(now.getTime() - settings.flapping.windowMs);
  const history = await sql<IncidentRowLite & { key_service: string; key_fingerprint: string; recent: number }>`
    select k.service_id as key_service, k.fingerprint as key_fingerprint,
      (select count(*)::int from alerts a
        where a.service_id = k.service_id and a.fingerprint = k.fingerprint and a.created_at >= ${since}) as recent,
      ${INCIDENT_COLUMNS}
    from unnest(${freshKeys.map((k) => k[0])}::text[], ${freshKeys.map((k) => k[1])}::text[]) as k(service_id, fingerprint)
    left join lateral (
      select a.incident_id from alerts a
      where a.service_id = k.service_id and a.fingerprint = k.fingerprint
      order by a.created_at desc limit 1
    ) last on true
    left join incidents i on i.id = last.incident_id
  `.execute(tx);
  for (const row of history.rows) {
    const key = `${row.key_service}\u0000${row.key_fingerprint}`;
    state.recentOccurrences.set(key, row.recent);
    state.lastIncidents.set(key, row.id ? toOpenIncident(row) : null);
  }
  return lockIncidents(tx, state);
}

/**
 * Locks every incident the batch may touch, in id order, and refreshes their status: a person may
 * have resolved one since it was read. Locking incidents before alerts is the order incident
 * actions use too, so the two never deadlock.
 */
async function lockIncidents(tx: Db, state: IngestState): Promise<IngestState> {
  const all = [...state.incidentsOfOpenAlerts.values(), ...state.openIncidentsByGroup.values(), ...[...state.lastIncidents.values()].filter((i): i is OpenIncident => i !== null)];
  const ids = [...new Set(all.map((i) => i.id))].sort();
  if (!ids.length) return state;
  const current = await sql<{ id: string; status: string; resolved_at: Date | null; resolved_by: string | null }>`
    select id, status, resolved_at, resolved_by from incidents where id = any(${ids}::uuid[]) order by id for update
  `.execute(tx);
  const byId = new Map(current.rows.map((row) => [row.id, row]));
  for (const incident of all) {
    const row = byId.get(incident.id);
    if (!row) continue;
    incident.status = row.status;
    incident.open = isOpenStatus(row.status);
    incident.autoResolvedAt = row.resolved_by === 'system' ? row.resolved_at : null;
  }
  for (const [key, alert] of state.openAlerts) {
    const incident = alert.incident_id ? state.incidentsOfOpenAlerts.get(alert.incident_id) : undefined;
    if (incident && !incident.open) state.staleAlerts.push({ key, id: alert.id });
  }
  for (const [key, incident] of state.openIncidentsByGroup) if (!incident.open) state.openIncidentsByGroup.delete(key);
  return state;
}

function unique<T extends readonly [string, string]>(pairs: T[]): T[] {
  const seen = new Map<string, T>();
  for (const pair of pairs) seen.set(`${pair[0]}\u0000${pair[1]}`, pair);
  return [...seen.values()];
}
