import { z } from 'zod';
import { withTx } from '../db/database.js';
import { INCIDENT_CHANGED_TASK, INCIDENT_OPENED_TASK } from '../domain/incidents/index.js';
import { correlateOpenedIncidents } from '../domain/alerts/index.js';
import { ESCALATION_STEP_TASK, auditEscalations, runEscalationStep, startEscalation, startEscalations, stopEscalation } from '../domain/escalation/index.js';
import { sql } from 'kysely';
import { scheduleAnnouncements, scheduleCardSync } from '../domain/notify/index.js';
import { ROOM_SYNC_TASK, repairRooms, roomSyncJobKey, scheduleRooms, syncRoomsWithIncident } from '../domain/warroom/index.js';
import { roomScheduling } from './room-scheduling.js';
import { STALE_JOB_MS, unlockStaleJobs, defineJob, enqueue, type JobDefinition } from '../queue/index.js';
import { incidentPayload, type EngineDeps } from './incident-jobs.js';
import type { ChannelRegistry } from './channel-registry.js';

const openedPayload = z.object({ incidentIds: z.array(z.uuid()).min(1) });

export const ESCALATION_AUDIT_TASK = 'escalation-audit';

/** Escalation (and correlation) react to incidents through durable jobs; every handler re-reads state first. */
export function escalationJobs(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition[] {
  const escalation = () => ({ settings: deps.settings(), availableChannels: deps.channels.available() });
  return [
    // Correlation runs here, not in the ingest transaction: an alert storm must never slow ingestion.
    defineJob(INCIDENT_OPENED_TASK, (p) => openedPayload.parse(p), async ({ incidentIds }) => {
      await withTx(deps.db, async (tx) => {
        await startEscalations(tx, incidentIds, deps.clock.now(), escalation());
        await scheduleAnnouncements(tx, incidentIds, deps.clock.now(), deps.settings().notifications.severity_policy);
        await scheduleRooms(tx, incidentIds, deps.clock.now(), roomScheduling(deps));
        // Correlation is enrichment: if it fails, paging must still start, so it gets a savepoint.
        await sql`savepoint correlate`.execute(tx);
        try {
          await correlateOpenedIncidents(tx, incidentIds, deps.settings().correlation, deps.clock.now());
          await sql`release savepoint correlate`.execute(tx);
        } catch (error) {
          await sql`rollback to savepoint correlate`.execute(tx);
          deps.logger.error({ err: error, incidents: incidentIds.length }, 'correlation failed; escalation started anyway');
        }
      });
    }),
    defineJob(INCIDENT_CHANGED_TASK, (p) => incidentPayload.parse(p), async ({ incidentId }) => {
      await withTx(deps.db, async (tx) => {
        const incident = await tx.selectFrom('incidents').select(['status']).where('id', '=', incidentId).executeTakeFirst();
        if (!incident) return;
        // Acknowledged or resolved: stop. Triggered again (reopened, or raised out of record-only): start.
        if (incident.status !== 'triggered') await stopEscalation(tx, incidentId, incident.status, deps.clock.now());
        else await startEscalation(tx, incidentId, deps.clock.now(), escalation());
        await scheduleCardSync(tx, incidentId, deps.clock.now());
        await syncRoomsWithIncident(tx, incidentId, deps.clock.now(), roomScheduling(deps));
      });
    }),
    defineJob(ESCALATION_STEP_TASK, (p) => incidentPayload.parse(p), async ({ incidentId }) => {
      await withTx(deps.db, async (tx) => {
        const outcome = await runEscalationStep(tx, incidentId, deps.clock.now(), escalation());
        // People reached later join the incident's room.
        if (outcome === 'paged' || outcome === 'exhausted') await enqueue(tx, ROOM_SYNC_TASK, { incidentId }, { jobKey: roomSyncJobKey(incidentId), runAt: deps.clock.now(), jobKeyMode: 'preserve_run_at' });
      });
    }),
    defineJob(ESCALATION_AUDIT_TASK, (p) => p, async () => {
      const unlocked = await unlockStaleJobs(deps.db, STALE_JOB_MS);
      if (unlocked) deps.logger.warn({ jobs: unlocked }, 'released jobs held by a worker that stopped answering');
      const report = await withTx(deps.db, (tx) => auditEscalations(tx, deps.clock.now()));
      const rooms = await withTx(deps.db, (tx) => repairRooms(tx, deps.clock.now()));
      if (rooms) deps.logger.warn({ rooms }, 'auditor re-queued war rooms stuck while opening');
      if (report.repaired.length || report.stopped.length || report.restarted.length) deps.logger.warn(report, 'escalation auditor repaired stalled escalations');
    }),
  ];
}

/** graphile-worker crontab: the auditor every minute. */
export const ESCALATION_CRONTAB = `* * * * * ${ESCALATION_AUDIT_TASK} ?max=1`;
