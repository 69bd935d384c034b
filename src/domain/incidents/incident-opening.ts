import type { Db } from '../../db/database.js';
import { formatDuration, type Category, type Severity } from '../../kernel/index.js';
import type { Impact } from '../../contracts/index.js';
import type { Actor } from './actor.js';
import { priorityScore } from './priority.js';
import { recordTimeline } from './timeline.js';
import { enqueue } from '../../queue/index.js';
import { INCIDENT_CHANGED_TASK, INCIDENT_OPENED_TASK } from './incident-events.js';

export interface AlertIncidentInput {
  title: string;
  description: string | null;
  serviceId: string;
  severity: Severity;
  category: Category;
  impact: Impact;
  groupKey: string;
  source: string;
  classificationRule: string | null;
  responseSlaMs: number;
  labels: Record<string, string>;
}

export interface NewAlertIncident extends AlertIncidentInput {
  /** Chosen by the caller, so alerts of the same batch can point at it before it is written. */
  id: string;
  actor: Actor;
  /** Its alerts in this batch, so the counters are right from the first write. */
  alertCount: number;
  openAlertCount: number;
}

/**
 * Opens the incidents a batch of alerts needs, in one insert, with their "triggered" timeline
 * events and escalation hooks. Returns each incident's number by id.
 */
export async function openIncidentsForAlerts(tx: Db, inputs: NewAlertIncident[], now: Date): Promise<Map<string, number>> {
  if (!inputs.length) return new Map();
  const rows: { id: string; number: number }[] = [];
  // Chunks keep each insert under Postgres's 65,535 bind parameters (about 20 a row).
  for (let start = 0; start < inputs.length; start += 1000) {
    rows.push(...(await insertIncidents(tx, inputs.slice(start, start + 1000), now)));
  }
  await recordTimeline(
    tx,
    inputs.map((input) => ({
      incidentId: input.id,
      at: now,
      kind: 'incident.triggered',
      actor: input.actor,
      summary: `Triggered by ${input.source}: ${input.severity} ${input.category}, respond within ${formatDuration(input.responseSlaMs)}`,
      data: { severity: input.severity, category: input.category, rule: input.classificationRule },
    })),
  );
  // One follow-up job for the whole batch: a storm of new incidents is one job, not thousands.
  await enqueue(tx, INCIDENT_OPENED_TASK, { incidentIds: inputs.map((input) => input.id) });
  return new Map(rows.map((row) => [row.id, row.number]));
}

function insertIncidents(tx: Db, inputs: NewAlertIncident[], now: Date) {
  return tx
    .insertInto('incidents')
    .values(
      inputs.map((input) => ({
        id: input.id,
        title: input.title,
        description: input.description,
        service_id: input.serviceId,
        severity: input.severity,
        category: input.category,
        status: 'triggered',
        priority_score: priorityScore(input.severity, input.impact),
        impact: input.impact,
        group_key: input.groupKey,
        source: input.source,
        classification_rule: input.classificationRule,
        response_sla_ms: input.responseSlaMs,
        sla_due_at: new Date(now.getTime() + input.responseSlaMs),
        metadata: JSON.stringify({ labels: input.labels }),
        alert_count: input.alertCount,
        open_alert_count: input.openAlertCount,
        created_at: now,
        updated_at: now,
        last_alert_at: now,
      })),
    )
    .returning(['id', 'number'])
    .execute();
}

/** Raises severity when a worse alert joins, unless a person has set it. */
export async function raiseSeverity(tx: Db, incident: { id: string; impact: string }, severity: Severity, actor: Actor, now: Date, reason: string): Promise<void> {
  const updated = await tx
    .updateTable('incidents')
    .set({ severity, priority_score: priorityScore(severity, incident.impact as Impact), updated_at: now })
    .where('id', '=', incident.id)
    .where('severity_locked', '=', false)
    .returning('id')
    .executeTakeFirst();
  if (updated) {
    await recordTimeline(tx, [{ incidentId: incident.id, at: now, kind: 'severity.changed', actor, summary: `Severity raised to ${severity}: ${reason}`, data: { to: severity } }]);
    await enqueue(tx, INCIDENT_CHANGED_TASK, { incidentId: incident.id, change: 'severity' });
  }
}
