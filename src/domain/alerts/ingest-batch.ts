import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { ConflictError, formatDuration, formatIncidentRef, newId, severityRank, type Severity } from '../../kernel/index.js';
import {
  changeIncidentStatus,
  openIncidentsForAlerts,
  raiseSeverity,
  recordTimeline,
  systemActor,
  type Actor,
  type ActionContext,
  type LifecycleEvent,
  type NewAlertIncident,
  type TimelineEntry,
} from '../incidents/index.js';
import type { RuntimeSettings } from '../services/index.js';
import type { IngestItem } from './ingest-item.js';
import { enqueue } from '../../queue/index.js';
import { classifyAlert } from './alert-classifier.js';
import type { AlertSignal } from './alert-signal.js';
import { groupKeyFor } from './grouping.js';
import { loadIngestState, type OpenIncident } from './ingest-state.js';
import { flushAlertWrites, type NewAlertRow } from './alert-writes.js';

export type IngestOutcome = 'created' | 'deduplicated' | 'resolved' | 'acknowledged' | 'ignored';

export interface IngestResult {
  fingerprint: string;
  outcome: IngestOutcome;
  alertId: string | null;
  incidentId: string | null;
  incidentRef: string | null;
  reason: string;
}

export const SETTLE_TASK = 'incident-settle';
export const settleJobKey = (incidentId: string) => `incident-settle:${incidentId}`;

interface OpenAlertState {
  id: string;
  incidentId: string | null;
  /** Set when the alert is inserted by this batch rather than loaded. */
  pending?: NewAlertRow;
  duplicates: number;
  latest?: AlertSignal;
}

/**
 * Ingests a batch of alert signals in the caller's transaction, in order. Work is set-based: a few
 * statements per batch whatever its size, so that bursts and duplicate floods stay cheap. Services
 * are serialised with advisory locks, so several warroom processes can ingest at once.
 */
export async function ingestBatch(tx: Db, items: IngestItem[], settings: RuntimeSettings, now: Date): Promise<IngestResult[]> {
  if (!items.length) return [];
  const serviceIds = [...new Set(items.map((item) => item.service.id))].sort();
  await sql`select pg_advisory_xact_lock(hashtext('warroom.ingest'), hashtext(s)) from unnest(${serviceIds}::text[]) as s order by s`.execute(tx);

  const state = await loadIngestState(tx, items, settings, now);
  const open = new Map<string, OpenAlertState>(
    [...state.openAlerts].map(([key, row]) => [key, { id: row.id, incidentId: row.incident_id, duplicates: 0 }]),
  );
  const incidentsByGroup = state.openIncidentsByGroup;
  const incidentsById = new Map<string, OpenIncident>(state.incidentsOfOpenAlerts);
  for (const incident of incidentsByGroup.values()) incidentsById.set(incident.id, incident);
  for (const incident of state.lastIncidents.values()) if (incident) incidentsById.set(incident.id, incident);

  const results: IngestResult[] = [];
  const inserts: NewAlertRow[] = [];
  const resolvedIds: { id: string; endsAt: Date }[] = [];
  // Alerts still firing in an incident that was closed meanwhile end now; a repeat opens anew.
  for (const stale of state.staleAlerts) {
    open.delete(stale.key);
    resolvedIds.push({ id: stale.id, endsAt: now });
  }
  const timeline: TimelineEntry[] = [];
  const deltas = new Map<string, { added: number; openDelta: number }>();
  const acknowledgements = new Set<string>();
  const newIncidents: (NewAlertIncident & { open: OpenIncident })[] = [];
  const newById = new Map<string, NewAlertIncident & { open: OpenIncident }>();
  const flappingIncidents = new Set<string>();
  const recentCounts = new Map(state.recentOccurrences);
  const duplicated: OpenAlertState[] = [];
  const delta = (incidentId: string) => {
    let entry = deltas.get(incidentId);
    if (!entry) deltas.set(incidentId, (entry = { added: 0, openDelta: 0 }));
    return entry;
  };
  const refOf = (incidentId: string | null) => {
    const incident = incidentId ? incidentsById.get(incidentId) : undefined;
    // Incidents this batch opens have no number until they are written.
    return incident?.number ? formatIncidentRef(incident.number) : null;
  };

  for (const { service, signal } of items) {
    const key = `${service.id}\u0000${signal.fingerprint}`;
    const actor: Actor = { type: 'integration', id: `${signal.source}/${service.id}` };
    const current = open.get(key);

    if (signal.action === 'trigger' && current) {
      if (!current.duplicates) duplicated.push(current);
      current.duplicates += 1;
      current.latest = signal;
      if (current.incidentId) delta(current.incidentId);
      results.push({ fingerprint: signal.fingerprint, outcome: 'deduplicated', alertId: current.id, incidentId: current.incidentId, incidentRef: refOf(current.incidentId), reason: 'repeat of a firing alert' });
      continue;
    }

    if (signal.action === 'resolve' || signal.action === 'acknowledge') {
      if (!current) {
        results.push({ fingerprint: signal.fingerprint, outcome: 'ignored', alertId: null, incidentId: null, incidentRef: null, reason: 'no firing alert with this fingerprint' });
        continue;
      }
      if (signal.action === 'acknowledge') {
        if (current.incidentId) acknowledgements.add(current.incidentId);
        results.push({ fingerprint: signal.fingerprint, outcome: 'acknowledged', alertId: current.id, incidentId: current.incidentId, incidentRef: refOf(current.incidentId), reason: 'acknowledged by the sender' });
        continue;
      }
      const endsAt = signal.endsAt ?? now;
      if (current.pending) Object.assign(current.pending, { status: 'resolved', ends_at: endsAt });
      else resolvedIds.push({ id: current.id, endsAt });
      open.delete(key);
      if (current.incidentId) {
        delta(current.incidentId).openDelta -= 1;
        timeline.push({ incidentId: current.incidentId, at: now, kind: 'alert.resolved', actor, summary: `Alert resolved: ${signal.title}`, data: { alert_id: current.id, fingerprint: signal.fingerprint } });
      }
      results.push({ fingerprint: signal.fingerprint, outcome: 'resolved', alertId: current.id, incidentId: current.incidentId, incidentRef: refOf(current.incidentId), reason: 'sender reported it resolved' });
      continue;
    }

    // A new firing alert: classify it, decide its incident, remember why.
    const classification = classifyAlert(
      { serviceId: service.id, title: signal.title, description: signal.description, labels: signal.labels, sourceSeverity: signal.sourceSeverity },
      settings.classification,
    );
    const recent = (recentCounts.get(key) ?? 0) + 1;
    recentCounts.set(key, recent);
    const flapping = recent >= settings.flapping.threshold;
    const group = groupKeyFor(service.id, signal.labels, signal.fingerprint, service.grouping);
    const groupMapKey = `${service.id}\u0000${group.key}`;
    const previous = state.lastIncidents.get(key);
    let incident: OpenIncident | undefined;
    let reason: string;
    const grouped = incidentsByGroup.get(groupMapKey);
    if (previous && incidentsById.get(previous.id)?.open) {
      incident = incidentsById.get(previous.id)!;
      reason = `same alert fired again while ${formatIncidentRef(incident.number)} is open`;
    } else if (flapping && previous?.autoResolvedAt && now.getTime() - previous.autoResolvedAt.getTime() <= settings.flapping.windowMs) {
      // A flapping alert reopens the incident it auto-resolved instead of paging a fresh one each time.
      await tryChangeStatus(tx, previous.id, { type: 'reopen' }, { now, actor: systemActor, autoCloseAfterMs: settings.autoCloseAfterMs }, 'alert is flapping');
      incident = { ...previous, status: 'triggered', open: true, autoResolvedAt: null };
      reason = `flapping: reopened ${formatIncidentRef(incident.number)}, which resolved ${formatDuration(now.getTime() - previous.autoResolvedAt.getTime())} ago`;
    } else if (grouped && now.getTime() - grouped.lastAlertAt.getTime() <= service.grouping.windowMs) {
      incident = grouped;
      reason = `grouped by ${group.description} (within ${formatDuration(service.grouping.windowMs)} of the last alert)`;
    } else {
      // Written after the loop in one insert; later alerts of this batch can already join it.
      incident = { id: newId(), number: 0, severity: classification.severity, impact: service.impact, flapping: false, status: 'triggered', open: true, lastAlertAt: now, autoResolve: service.autoResolve, autoResolvedAt: null };
      newIncidents.push({
        id: incident.id,
        actor,
        title: signal.title,
        description: signal.description,
        serviceId: service.id,
        severity: classification.severity,
        category: classification.category,
        impact: service.impact,
        groupKey: group.key,
        source: signal.source,
        classificationRule: classification.matchedRules.join(', ') || null,
        responseSlaMs: classification.responseSlaMs,
        labels: signal.labels,
        alertCount: 0,
        openAlertCount: 0,
        open: incident,
      });
      newById.set(incident.id, newIncidents[newIncidents.length - 1]!);
      reason = `opened a new incident: no open incident for ${group.description}`;
    }
    incidentsById.set(incident.id, incident);
    incidentsByGroup.set(groupMapKey, incident);
    incident.lastAlertAt = now;

    const pendingNew = newById.get(incident.id);
    if (pendingNew && severityRank(classification.severity) < severityRank(pendingNew.severity)) {
      pendingNew.severity = classification.severity;
      incident.severity = classification.severity;
    } else if (!pendingNew && severityRank(classification.severity) < severityRank(incident.severity)) {
      await raiseSeverity(tx, incident, classification.severity, actor, now, `alert ${signal.title} is ${classification.severity}`);
      incident.severity = classification.severity;
    }
    if (flapping && !incident.flapping) flappingIncidents.add(incident.id);

    const row: NewAlertRow = {
      id: newId(),
      service_id: service.id,
      incident_id: incident.id,
      fingerprint: signal.fingerprint,
      source: signal.source,
      status: 'firing',
      title: signal.title,
      description: signal.description,
      labels: signal.labels,
      annotations: signal.annotations,
      severity: classification.severity,
      source_severity: signal.sourceSeverity,
      category: classification.category,
      generator_url: signal.generatorUrl,
      starts_at: signal.startsAt,
      ends_at: null,
      last_seen_at: now,
      count: 1,
      flapping,
      group_reason: reason,
      created_at: now,
    };
    inserts.push(row);
    open.set(key, { id: row.id, incidentId: incident.id, pending: row, duplicates: 0 });
    const d = delta(incident.id);
    d.added += 1;
    d.openDelta += 1;
    timeline.push({ incidentId: incident.id, at: now, kind: 'alert.triggered', actor, summary: `Alert fired: ${signal.title} — ${reason}`, data: { alert_id: row.id, fingerprint: signal.fingerprint, severity: classification.severity, rules: classification.matchedRules } });
    results.push({ fingerprint: signal.fingerprint, outcome: 'created', alertId: row.id, incidentId: incident.id, incidentRef: null, reason });
  }

  // Fold duplicates of alerts inserted by this batch into their rows; the rest become one update.
  const duplicateUpdates = [];
  for (const alert of duplicated) {
    if (!alert.latest) continue;
    if (alert.pending) {
      alert.pending.count += alert.duplicates;
      alert.pending.annotations = alert.latest.annotations;
    } else duplicateUpdates.push({ id: alert.id, count: alert.duplicates, signal: alert.latest });
  }

  // New incidents first: alerts reference them. Their counters go in with the insert, so the
  // counter update below only touches incidents that existed before this batch.
  for (const created of newIncidents) {
    const d = deltas.get(created.id);
    created.alertCount = d?.added ?? 0;
    created.openAlertCount = Math.max(0, d?.openDelta ?? 0);
    deltas.delete(created.id);
  }
  const numbers = await openIncidentsForAlerts(tx, newIncidents, now);
  for (const created of newIncidents) created.open.number = numbers.get(created.id)!;
  for (const result of results) if (result.incidentId && !result.incidentRef) result.incidentRef = refOf(result.incidentId);

  const incidentCounts = await flushAlertWrites(tx, { inserts, duplicateUpdates, resolved: resolvedIds, deltas, now });
  await recordTimeline(tx, timeline);
  await markFlapping(tx, flappingIncidents, settings, now);


  const autoClose = { now, actor: systemActor, autoCloseAfterMs: settings.autoCloseAfterMs };
  // An incident opened and emptied within this batch (fired and resolved in one commit) resolves too.
  for (const created of newIncidents) {
    if (created.alertCount > 0 && created.openAlertCount === 0 && created.open.autoResolve) {
      await tryChangeStatus(tx, created.id, { type: 'resolve' }, autoClose, 'all alerts resolved');
    }
  }
  for (const incidentId of acknowledgements) {
    const status = incidentCounts.get(incidentId)?.status ?? incidentsById.get(incidentId)?.status;
    if (status === 'triggered') {
      await tryChangeStatus(tx, incidentId, { type: 'acknowledge' }, { ...autoClose, actor: { type: 'integration', id: 'pagerduty' } }, 'acknowledged by the sender');
    }
  }
  for (const [incidentId, counts] of incidentCounts) {
    const incident = incidentsById.get(incidentId);
    const justEmptied = (deltas.get(incidentId)?.openDelta ?? 0) < 0 && counts.openAlertCount === 0;
    if (!justEmptied || !counts.open || !(incident?.autoResolve ?? true)) continue;
    if (counts.flapping || flappingIncidents.has(incidentId)) {
      // A flapping incident resolves only once its alerts stay quiet for the whole flap window.
      await enqueue(tx, SETTLE_TASK, { incidentId }, { runAt: new Date(now.getTime() + settings.flapping.windowMs), jobKey: settleJobKey(incidentId) });
      await recordTimeline(tx, [{ incidentId, at: now, kind: 'incident.settling', actor: systemActor, summary: `All alerts resolved; flapping, so it resolves if they stay quiet for ${formatDuration(settings.flapping.windowMs)}` }]);
      continue;
    }
    await tryChangeStatus(tx, incidentId, { type: 'resolve' }, autoClose, 'all alerts resolved');
  }
  return results;
}

/**
 * Status changes ingest makes on its own behalf. If the incident already moved (someone acted
 * first), that is fine: a sender must never get a 4xx, and drop its alerts, for our race.
 */
async function tryChangeStatus(tx: Db, incidentId: string, event: LifecycleEvent, ctx: ActionContext, note: string): Promise<void> {
  try {
    await changeIncidentStatus(tx, incidentId, event, ctx, { note, audit: false });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

async function markFlapping(tx: Db, incidentIds: Set<string>, settings: RuntimeSettings, now: Date): Promise<void> {
  if (!incidentIds.size) return;
  const ids = [...incidentIds];
  await tx
    .updateTable('incidents')
    .set({ flapping: true, tags: sql`array_append(array_remove(tags, 'flapping'), 'flapping')`, updated_at: now })
    .where('id', 'in', ids)
    .execute();
  await recordTimeline(
    tx,
    ids.map((incidentId) => ({
      incidentId,
      at: now,
      kind: 'alert.flapping',
      actor: systemActor,
      summary: `Flapping: an alert fired ${settings.flapping.threshold} or more times within ${formatDuration(settings.flapping.windowMs)}; auto-resolve now waits for it to stay quiet`,
    })),
  );
}
