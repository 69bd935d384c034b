import { z } from 'zod';
import type { Db } from '../db/database.js';
import { withTx } from '../db/database.js';
import { PermanentError, formatIncidentRef } from '../kernel/index.js';
import type { RoomRow } from '../db/schema.js';
import { recordTimeline, systemActor } from '../domain/incidents/index.js';
import { loadUserContacts } from '../domain/notify/index.js';
import { ROOM_OPEN_TASK, WEB_ROOM, describeReasons, loadRoomIncident, planInvitees, roomName, roomOpenJobKey, type Invitee } from '../domain/warroom/index.js';
import { defineJob, enqueue, type JobDefinition } from '../queue/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { afterChatFailure } from './chat-pacing.js';
import { platformIdOf, queueIntroPosts } from './room-post.js';

const payload = z.object({ roomId: z.uuid(), attempt: z.int().default(1) });
/** A room being created by a worker that stopped answering is taken over after this long. */
const CREATE_LEASE_MS = 120_000;

/**
 * Opens one room on one platform: who belongs (with reasons), the group chat created with them in
 * it, then the first posts queued in order. The row's status makes it once-only: a second worker
 * on the same room waits out the first, and the platform's own dedup (Feishu uuid = room id) covers
 * a crash between creating the chat and recording it.
 */
export function roomOpenJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  return defineJob(ROOM_OPEN_TASK, (p) => payload.parse(p), async (job) => {
    const now = deps.clock.now();
    const config = deps.settings().warRooms;
    const prepared = await withTx(deps.db, async (tx) => {
      const room = await tx.selectFrom('rooms').selectAll().where('id', '=', job.roomId).forUpdate().executeTakeFirst();
      if (!room || (room.status !== 'opening' && room.status !== 'creating')) return null;
      if (room.status === 'creating' && now.getTime() - room.updated_at.getTime() < CREATE_LEASE_MS) throw new Error(`room ${room.id} is being created by another worker`);
      const incident = await loadRoomIncident(tx, room.incident_id);
      if (!incident) return null;
      const invitees = await planInvitees(tx, room.incident_id, now, config.experts);
      const name = roomName(incident.severity, incident.serviceName ?? incident.serviceId, formatIncidentRef(incident.number), config);
      if (room.provider === WEB_ROOM) {
        await finishOpen(tx, { ...room, name }, room.incident_id, invitees, now);
        return null;
      }
      const chat = deps.channels.chat(room.provider)?.chat;
      if (!chat?.rooms) {
        await fail(tx, room, `${room.provider} cannot create group chats`, now);
        return null;
      }
      const contacts = await loadUserContacts(tx, invitees.map((i) => i.userId));
      const memberIds = invitees.flatMap((i) => {
        const id = platformIdOf(contacts.get(i.userId)?.chatIds ?? {}, chat.platform);
        return id ? [id] : [];
      });
      await tx.updateTable('rooms').set({ status: 'creating', name, updated_at: now }).where('id', '=', room.id).execute();
      return { room: { ...room, name }, invitees, memberIds, chat };
    });
    if (!prepared) return;
    const { room, invitees, memberIds, chat } = prepared;
    let chatId: string;
    try {
      if (!memberIds.length) throw new PermanentError(`nobody to invite has a ${chat.platform} id`);
      const created = await chat.rooms!.createRoom({ name: room.name, description: room.topic ?? undefined, ownerId: memberIds[0], memberIds, idempotencyKey: room.id });
      chatId = created.chatId;
    } catch (error) {
      await withTx(deps.db, async (tx) => {
        const next = await afterChatFailure(tx, { key: `rooms:${room.provider}`, intervalMs: 1000 }, error, job.attempt, 6, now);
        if (!next.retryAt) return fail(tx, room, next.reason, now);
        await tx.updateTable('rooms').set({ status: 'opening', reason: next.reason, updated_at: now }).where('id', '=', room.id).execute();
        await enqueue(tx, ROOM_OPEN_TASK, { roomId: room.id, attempt: job.attempt + 1 }, { jobKey: roomOpenJobKey(room.id), runAt: next.retryAt });
      });
      return;
    }
    await withTx(deps.db, (tx) => finishOpen(tx, { ...room, chat_id: chatId }, chatId, invitees, now));
  });
}

async function finishOpen(tx: Db, room: RoomRow, chatId: string, invitees: Invitee[], now: Date): Promise<void> {
  const opened = await tx.updateTable('rooms').set({ status: 'active', chat_id: chatId, name: room.name, reason: null, opened_at: now, updated_at: now }).where('id', '=', room.id).where('status', 'in', ['opening', 'creating']).returning('id').executeTakeFirst();
  if (!opened) {
    // Resolved while the chat was being made: keep the chat id so the close job closes it.
    await tx.updateTable('rooms').set({ chat_id: chatId, name: room.name, opened_at: now, updated_at: now }).where('id', '=', room.id).execute();
    return;
  }
  for (const invitee of invitees) {
    const reasons = invitee.reasons.map((r) => r.detail);
    await tx
      .insertInto('room_members')
      .values({ incident_id: room.incident_id, user_id: invitee.userId, reasons, invited_at: now, invited_by: 'system' })
      .onConflict((oc) => oc.columns(['incident_id', 'user_id']).doUpdateSet({ reasons }))
      .execute();
  }
  const who = invitees.map((i) => `${i.userId} (${describeReasons(i)})`).join(', ') || 'nobody yet';
  await recordTimeline(tx, [{ incidentId: room.incident_id, at: now, kind: 'room.opened', actor: systemActor, summary: `War room "${room.name}" opened on ${room.provider} with ${who}`, data: { room_id: room.id, provider: room.provider, chat_id: chatId } }]);
  await queueIntroPosts(tx, room.id, now);
}

async function fail(tx: Db, room: RoomRow, reason: string, now: Date): Promise<void> {
  await tx.updateTable('rooms').set({ status: 'failed', reason, updated_at: now }).where('id', '=', room.id).execute();
  await recordTimeline(tx, [{ incidentId: room.incident_id, at: now, kind: 'room.failed', actor: systemActor, summary: `Could not open the ${room.provider} war room: ${reason}` }]);
}
