import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { formatDuration } from '../../kernel/index.js';
import { enqueue } from '../../queue/index.js';
import { INCIDENT_OPENED_TASK, recordTimeline, systemActor } from '../incidents/index.js';
import { ESCALATION_STEP_TASK, escalationJobKey, stopEscalation } from './escalation-engine.js';

export interface AuditReport {
  repaired: { incidentId: string; overdueMs: number }[];
  stopped: string[];
  /** Incidents whose escalation never started, handed to the incident-opened job again. */
  restarted: string[];
}

/**
 * The safety net for stalled escalations: any active escalation past its deadline with no pending
 * step job gets one now, and escalations of incidents someone already took are stopped.
 */
export async function auditEscalations(tx: Db, now: Date, graceMs = 60_000): Promise<AuditReport> {
  const stalled = await sql<{ incident_id: string; next_step_at: Date }>`
    select e.incident_id, e.next_step_at
    from escalations e
    where e.state = 'active'
      and e.next_step_at < ${new Date(now.getTime() - graceMs)}
      and not exists (select 1 from graphile_worker.jobs j where j.key = 'escalation:' || e.incident_id::text and j.attempts < j.max_attempts)
    for update of e skip locked
  `.execute(tx);
  const report: AuditReport = { repaired: [], stopped: [], restarted: [] };
  for (const row of stalled.rows) {
    const overdueMs = now.getTime() - row.next_step_at.getTime();
    await enqueue(tx, ESCALATION_STEP_TASK, { incidentId: row.incident_id }, { runAt: now, jobKey: escalationJobKey(row.incident_id) });
    await recordTimeline(tx, [{ incidentId: row.incident_id, at: now, kind: 'escalation.repaired', actor: systemActor, summary: `Auditor found this escalation ${formatDuration(overdueMs)} overdue with no pending step, and resumed it` }]);
    report.repaired.push({ incidentId: row.incident_id, overdueMs });
  }
  // Incidents whose start never happened (their opened job failed for good): no row, no decision.
  const unstarted = await sql<{ id: string }>`
    select i.id from incidents i
    where i.status = 'triggered' and i.created_at > ${new Date(now.getTime() - 86_400_000)} and i.created_at < ${new Date(now.getTime() - graceMs)}
      and not exists (select 1 from escalations e where e.incident_id = i.id)
      and not exists (select 1 from incident_events ev where ev.incident_id = i.id and ev.kind = 'escalation.skipped')
    limit 500
  `.execute(tx);
  if (unstarted.rows.length) {
    await enqueue(tx, INCIDENT_OPENED_TASK, { incidentIds: unstarted.rows.map((r) => r.id) });
    report.restarted = unstarted.rows.map((r) => r.id);
  }
  const orphaned = await sql<{ incident_id: string; status: string }>`
    select e.incident_id, i.status from escalations e join incidents i on i.id = e.incident_id
    where e.state = 'active' and i.status <> 'triggered'
  `.execute(tx);
  for (const row of orphaned.rows) {
    if (await stopEscalation(tx, row.incident_id, row.status, now)) report.stopped.push(row.incident_id);
  }
  return report;
}
