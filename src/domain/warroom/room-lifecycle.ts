import type { Db } from '../../db/database.js';
import type { Severity } from '../../kernel/index.js';
import type { WarRoomsConfig } from '../../contracts/index.js';
import { cancelJob, enqueue } from '../../queue/index.js';
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
    await enqueue(tx, ROOM_CADENCE_TASK, { incidentId: incident.id }, { jobKey: roomCadenceJobKey(incident.id), runAt: new Date(now.getTime() + cadence) });
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
    await tx.updateTable('rooms').set({ status: 'closing', closing_at: now, updated_at: now }).where('incident_id', '=', incidentId).where('status', '=', 'active').execute();
    await cancelJob(tx, roomCadenceJobKey(incidentId));
    await cancelJob(tx, roomCheckinJobKey(incidentId));
    const closeAt = new Date(now.getTime() + scheduling.config.close_after);
    await enqueue(tx, ROOM_CLOSE_TASK, { incidentId }, { jobKey: roomCloseJobKey(incidentId), runAt: closeAt });
    await enqueue(tx, ROOM_SYNC_TASK, { incidentId, announce: 'resolved' }, { jobKey: `${roomSyncJobKey(incidentId)}:resolved:${now.getTime()}` });
    await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.closing', actor: systemActor, summary: `Incident resolved: the war room closes at ${closeAt.toISOString()}` }]);
    return;
  }
  if (!resolved && rooms.some((r) => r.status === 'closing')) {
    await tx.updateTable('rooms').set({ status: 'active', closing_at: null, updated_at: now }).where('incident_id', '=', incidentId).where('status', '=', 'closing').execute();
    await cancelJob(tx, roomCloseJobKey(incidentId));
    const cadence = statusCadenceMs(incident.severity as Severity, scheduling.config);
    await enqueue(tx, ROOM_CADENCE_TASK, { incidentId }, { jobKey: roomCadenceJobKey(incidentId), runAt: new Date(now.getTime() + cadence) });
    await enqueue(tx, ROOM_SYNC_TASK, { incidentId, announce: 'reopened' }, { jobKey: `${roomSyncJobKey(incidentId)}:reopened:${now.getTime()}` });
    await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.reopened', actor: systemActor, summary: 'Incident reopened: the war room stays open' }]);
    return;
  }
  if (!resolved) await enqueue(tx, ROOM_SYNC_TASK, { incidentId }, { jobKey: roomSyncJobKey(incidentId), runAt: new Date(now.getTime() + 1000), jobKeyMode: 'preserve_run_at' });
}
