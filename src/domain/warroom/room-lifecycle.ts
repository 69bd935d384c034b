import type { Db } from '../../db/database.js';
import type { Severity } from '../../kernel/index.js';
import type { WarRoomsConfig } from '../../contracts/index.js';
import { cancelJob, enqueue, pendingJobs } from '../../queue/index.js';
import { recordTimeline, systemActor } from '../incidents/index.js';
import { shouldOpenRoom, statusCadenceMs } from './war-room-policy.js';

export const ROOM_OPEN_TASK = 'room-open';
export const ROOM_POST_TASK = 'room-post';
export const ROOM_CADENCE_TASK = 'room-cadence';
export const ROOM_CHECKIN_TASK = 'room-checkin';
export const ROOM_CLOSE_TASK = 'room-close';
export const ROOM_SYNC_TASK = 'room-sync';

export const roomOpenJobKey = (roomId: string) => `room-open:${roomId}`;
export const roomCadenceJobKey = (incidentId: string) => `room-cadence:${incidentId}`;
export const roomCheckinJobKey = (incidentId: string) => `room-checkin:${incidentId}`;
export const roomCloseJobKey = (incidentId: string) => `room-close:${incidentId}`;
export const roomSyncJobKey = (incidentId: string) => `room-sync:${incidentId}`;
/** Posts to one room run one at a time, in the order they were queued. */
export const roomQueueName = (roomId: string) => `room:${roomId}`;

/** The built-in web room is always opened next to the chat platforms. */
export const WEB_ROOM = 'web';

export interface RoomScheduling {
  config: WarRoomsConfig;
  /** Chat providers that open rooms (configured and able to). */
  platforms: string[];
}

/**
 * Opens rooms for incidents that warrant one, in the caller's transaction: a row per platform
 * (unique per incident and platform, so retries and races make one room), the open jobs, the
 * status cadence and the 5-minute check-in. Returns the incident ids that got rooms.
 */
export async function scheduleRooms(tx: Db, incidentIds: string[], now: Date, scheduling: RoomScheduling, options: { force?: boolean } = {}): Promise<string[]> {
  if (!incidentIds.length) return [];
  const incidents = await tx.selectFrom('incidents').select(['id', 'severity', 'title', 'status']).where('id', 'in', incidentIds).execute();
  const due = incidents.filter((i) => ['triggered', 'acknowledged', 'investigating', 'identified'].includes(i.status) && (options.force || shouldOpenRoom(i.severity as Severity, scheduling.config)));
  const opened: string[] = [];
  for (const incident of due) {
    const providers = [WEB_ROOM, ...scheduling.platforms];
    const rows = await tx
      .insertInto('rooms')
      .values(providers.map((provider) => ({
        incident_id: incident.id,
        provider,
        chat_id: provider === WEB_ROOM ? incident.id : null,
        name: '',
        topic: incident.title,
        status: 'opening' as const,
        created_at: now,
        updated_at: now,
      })))
      .onConflict((oc) => oc.columns(['incident_id', 'provider']).doNothing())
      .returning(['id'])
      .execute();
    if (!rows.length) continue;
    opened.push(incident.id);
    for (const row of rows) await enqueue(tx, ROOM_OPEN_TASK, { roomId: row.id }, { jobKey: roomOpenJobKey(row.id), runAt: now });
    const cadence = statusCadenceMs(incident.severity as Severity, scheduling.config);
    await scheduleCadence(tx, incident.id, new Date(now.getTime() + cadence));
    await enqueue(tx, ROOM_CHECKIN_TASK, { incidentId: incident.id }, { jobKey: roomCheckinJobKey(incident.id), runAt: new Date(now.getTime() + scheduling.config.checkin_after) });
  }
  return opened;
}

/**
 * Keeps rooms in step with their incident: resolution starts the close countdown (announced in the
 * room), reopening cancels it, and anything else re-evaluates who belongs in the room.
 */
export async function syncRoomsWithIncident(tx: Db, incidentId: string, now: Date, scheduling: RoomScheduling): Promise<void> {
  const incident = await tx.selectFrom('incidents').select(['status', 'severity']).where('id', '=', incidentId).executeTakeFirst();
  if (!incident) return;
  const rooms = await tx.selectFrom('rooms').select(['id', 'status']).where('incident_id', '=', incidentId).execute();
  if (!rooms.length) {
    await scheduleRooms(tx, [incidentId], now, scheduling);
    return;
  }
  const resolved = incident.status === 'resolved' || incident.status === 'closed';
  if (resolved && rooms.some((r) => r.status === 'active' || r.status === 'opening' || r.status === 'creating')) {
    // Rooms still being opened close too: their open job records the chat and the close job closes it.
    await tx.updateTable('rooms').set({ status: 'closing', closing_at: now, updated_at: now }).where('incident_id', '=', incidentId).where('status', 'in', ['active', 'opening', 'creating']).execute();
    await cancelJob(tx, roomCadenceJobKey(incidentId));
    await cancelJob(tx, roomCheckinJobKey(incidentId));
    const closeAt = new Date(now.getTime() + scheduling.config.close_after);
    await enqueue(tx, ROOM_CLOSE_TASK, { incidentId }, { jobKey: roomCloseJobKey(incidentId), runAt: closeAt });
    await enqueue(tx, ROOM_SYNC_TASK, { incidentId, announce: 'resolved', at: now.getTime() }, { jobKey: `${roomSyncJobKey(incidentId)}:resolved:${now.getTime()}` });
    await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.closing', actor: systemActor, summary: `Incident resolved: the war room closes at ${closeAt.toISOString()}` }]);
    return;
  }
  const reopenable = rooms.some((r) => r.status === 'closing') || (rooms.every((r) => r.status === 'closed' || r.status === 'failed') && rooms.some((r) => r.status === 'closed'));
  if (!resolved && reopenable) {
    await tx.updateTable('rooms').set({ status: 'active', closing_at: null, updated_at: now }).where('incident_id', '=', incidentId).where('status', '=', 'closing').execute();
    // A closed chat stays archived; the web room always comes back with the incident.
    await tx.updateTable('rooms').set({ status: 'active', closed_at: null, updated_at: now }).where('incident_id', '=', incidentId).where('provider', '=', WEB_ROOM).where('status', '=', 'closed').execute();
    await cancelJob(tx, roomCloseJobKey(incidentId));
    const cadence = statusCadenceMs(incident.severity as Severity, scheduling.config);
    await scheduleCadence(tx, incidentId, new Date(now.getTime() + cadence));
    await enqueue(tx, ROOM_SYNC_TASK, { incidentId, announce: 'reopened', at: now.getTime() }, { jobKey: `${roomSyncJobKey(incidentId)}:reopened:${now.getTime()}` });
    await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.reopened', actor: systemActor, summary: 'Incident reopened: the war room stays open' }]);
    return;
  }
  if (!resolved) {
    await enqueue(tx, ROOM_SYNC_TASK, { incidentId }, { jobKey: roomSyncJobKey(incidentId), runAt: new Date(now.getTime() + 1000), jobKeyMode: 'preserve_run_at' });
    // A raised severity tightens the cadence at once (a P2 made P0 must not wait an hour).
    const dueAt = new Date(now.getTime() + statusCadenceMs(incident.severity as Severity, scheduling.config));
    const [pending] = await pendingJobs(tx, roomCadenceJobKey(incidentId));
    if (pending && pending.runAt > dueAt) await scheduleCadence(tx, incidentId, dueAt);
  }
}

/** The next status update; its due time names the post, so a re-run never posts it twice. */
export async function scheduleCadence(tx: Db, incidentId: string, dueAt: Date): Promise<void> {
  await enqueue(tx, ROOM_CADENCE_TASK, { incidentId, dueAt: dueAt.toISOString() }, { jobKey: roomCadenceJobKey(incidentId), runAt: dueAt });
}

/**
 * The sweep for rooms whose open job gave up or was lost: anything still opening or being created
 * long after its last change is queued again (the open job's lease and the platform's dedup keep
 * it to one chat). Returns how many rooms were re-queued.
 */
export async function repairRooms(tx: Db, now: Date, staleMs = 300_000): Promise<number> {
  const stuck = await tx.selectFrom('rooms').select('id').where('status', 'in', ['opening', 'creating']).where('updated_at', '<', new Date(now.getTime() - staleMs)).limit(100).execute();
  for (const room of stuck) {
    await tx.updateTable('rooms').set({ updated_at: now }).where('id', '=', room.id).execute();
    await enqueue(tx, ROOM_OPEN_TASK, { roomId: room.id }, { jobKey: roomOpenJobKey(room.id), runAt: now });
  }
  return stuck.length;
}
