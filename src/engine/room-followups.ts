import { z } from 'zod';
import { withTx } from '../db/database.js';
import type { Mention, WarRoomsConfig } from '../contracts/index.js';
import { escalateNow } from '../domain/escalation/index.js';
import { recordTimeline, systemActor } from '../domain/incidents/index.js';
import { loadUserContacts } from '../domain/notify/index.js';
import { listDecisions, openActionItemsSummary, summariseDecisions } from '../domain/followups/index.js';
import {
  ROOM_CADENCE_TASK, ROOM_CHECKIN_TASK, ROOM_CLOSE_TASK, ROOM_SYNC_TASK, WEB_ROOM, changesSince, loadRoomAlerts, loadRoomIncident, noticePost,
  MENTION_BUDGET_WINDOW_MS, mentionBudget, mentionsUsed, planInvitees, resolutionPost, roomClassOf, scheduleCadence, statusCadenceMs, statusUpdatePost, type RoomClass,
} from '../domain/warroom/index.js';
import { defineJob, enqueue, type JobDefinition } from '../queue/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { platformIdOf, postToRooms } from './room-post.js';

const incidentPayload = z.object({ incidentId: z.uuid() });
const cadencePayload = z.object({ incidentId: z.uuid(), dueAt: z.string().optional() });
const syncPayload = z.object({ incidentId: z.uuid(), announce: z.enum(['resolved', 'reopened']).optional(), at: z.number().optional(), invite: z.string().optional() });
const WORKING = ['triggered', 'acknowledged', 'investigating', 'identified', 'monitoring', 'containing', 'eradicating', 'recovering'];

type Deps = EngineDeps & { channels: ChannelRegistry };

/** The war room's clockwork: status cadence, the 5-minute check-in, closing, and keeping members in step. */
export function roomFollowupJobs(deps: Deps): JobDefinition[] {
  return [cadenceJob(deps), checkinJob(deps), closeJob(deps), syncJob(deps)];
}

/** Every 5/15/60 minutes: where things stand; a nudge to the commander when no person has updated. */
function cadenceJob(deps: Deps): JobDefinition {
  return defineJob(ROOM_CADENCE_TASK, (p) => cadencePayload.parse(p), async ({ incidentId, dueAt }) => {
    const now = deps.clock.now();
    const config = deps.settings().warRooms;
    await withTx(deps.db, async (tx) => {
      const incident = await loadRoomIncident(tx, incidentId);
      if (!incident || !WORKING.includes(incident.status)) return;
      const cadence = statusCadenceMs(incident.severity, config);
      const since = new Date(now.getTime() - cadence);
      const lastHuman = await tx.selectFrom('incident_events').select('at').where('incident_id', '=', incidentId).where('kind', '=', 'status.update').where('actor', 'like', 'user:%').orderBy('at', 'desc').executeTakeFirst();
      const wanted = lastHuman && lastHuman.at > since ? null : await commanderMention(tx, incidentId, now, config.experts);
      const nudge = wanted ? await budgeted(tx, incidentId, roomClassOf(incident.severity), wanted, 'nudged for a status update', config, now) : null;
      const openItems = await openActionItemsSummary(tx, incidentId, { now });
      const doc = statusUpdatePost(incident, await loadRoomAlerts(tx, incidentId), await changesSince(tx, incidentId, since), now, nudge, deps.settings().publicUrl, openItems);
      // Named by its due time: a re-run of this job finds the post it already queued.
      const posted = await postToRooms(tx, incidentId, `status-${dueAt ?? now.toISOString()}`, doc, now);
      if (posted) await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.status_update', actor: systemActor, summary: `Status update posted${nudge && nudge.kind === 'user' ? `; nudged ${nudge.name} for a human update` : ''}` }]);
      await scheduleCadence(tx, incidentId, new Date(now.getTime() + cadence));
    });
  });
}

/** A mention that respects the person's budget, recorded either way (held back ones go to the digest). */
async function budgeted(tx: Parameters<typeof loadRoomIncident>[0], incidentId: string, cls: RoomClass, mention: Extract<Mention, { kind: 'user' }>, reason: string, config: WarRoomsConfig, now: Date): Promise<Mention | null> {
  const used = await mentionsUsed(tx, [mention.userId], cls, new Date(now.getTime() - MENTION_BUDGET_WINDOW_MS));
  const suppressed = (used.get(mention.userId) ?? 0) >= mentionBudget(cls, config);
  await tx.insertInto('mentions').values({ incident_id: incidentId, user_id: mention.userId, severity_class: cls, reason, suppressed, at: now }).execute();
  return suppressed ? null : mention;
}

/** The commander, else the assignee, else whoever is on call: the person a silent room nudges. */
async function commanderMention(tx: Parameters<typeof loadRoomIncident>[0], incidentId: string, now: Date, experts: number): Promise<Extract<Mention, { kind: 'user' }> | null> {
  const role = await tx.selectFrom('incident_roles').select('user_id').where('incident_id', '=', incidentId).where('role', '=', 'commander').executeTakeFirst();
  const assignee = await tx.selectFrom('incidents').select('assignee_user_id').where('id', '=', incidentId).executeTakeFirst();
  const userId = role?.user_id ?? assignee?.assignee_user_id ?? (await planInvitees(tx, incidentId, now, experts)).find((i) => i.reasons.some((r) => r.kind === 'on_call'))?.userId;
  if (!userId) return null;
  const contact = (await loadUserContacts(tx, [userId])).get(userId);
  return contact ? { kind: 'user', userId, name: contact.name, chatIds: contact.chatIds, phone: contact.phone } : null;
}

/** Five minutes after opening and nobody has acknowledged: escalate, and say so in the room. */
function checkinJob(deps: Deps): JobDefinition {
  return defineJob(ROOM_CHECKIN_TASK, (p) => incidentPayload.parse(p), async ({ incidentId }) => {
    const now = deps.clock.now();
    await withTx(deps.db, async (tx) => {
      const incident = await loadRoomIncident(tx, incidentId);
      if (!incident || incident.status !== 'triggered') return;
      // Once only: a re-run after a crash must not escalate a second level.
      const done = await tx.selectFrom('incident_events').select('id').where('incident_id', '=', incidentId).where('kind', '=', 'room.checkin').executeTakeFirst();
      if (done) return;
      await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.checkin', actor: systemActor, summary: 'Nobody acknowledged within the check-in time' }]);
      const outcome = await escalateNow(tx, incidentId, now, systemActor);
      const doc = noticePost(incident, '⏰ 无人确认 / Nobody has acknowledged', outcome === 'escalated' ? 'Escalating to the next level now.' : 'Escalation has run out of levels: someone here please take it ("确认" / "ack").', deps.settings().publicUrl);
      await postToRooms(tx, incidentId, 'checkin', doc, now);
    });
  });
}

/** After the countdown: close (archive or disband) every closing room; the web room keeps its history. */
function closeJob(deps: Deps): JobDefinition {
  return defineJob(ROOM_CLOSE_TASK, (p) => incidentPayload.parse(p), async ({ incidentId }) => {
    const now = deps.clock.now();
    const mode = deps.settings().warRooms.close_mode;
    const rooms = await deps.db.selectFrom('rooms').select(['id']).where('incident_id', '=', incidentId).where('status', '=', 'closing').execute();
    for (const { id } of rooms) {
      // Re-checked under the row lock: a reopen since the countdown began keeps the room.
      const room = await withTx(deps.db, async (tx) => {
        const row = await tx.selectFrom('rooms').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        const incident = await tx.selectFrom('incidents').select('status').where('id', '=', incidentId).executeTakeFirst();
        return row?.status === 'closing' && (incident?.status === 'resolved' || incident?.status === 'closed') ? row : null;
      });
      if (!room) continue;
      const chat = deps.channels.chat(room.provider)?.chat;
      if (room.provider !== WEB_ROOM && room.chat_id && chat?.rooms) await chat.rooms.closeRoom(room.chat_id, mode);
      await withTx(deps.db, async (tx) => {
        const closed = await tx.updateTable('rooms').set({ status: 'closed', closed_at: now, updated_at: now }).where('id', '=', room.id).where('status', '=', 'closing').returning('id').executeTakeFirst();
        if (closed) await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.closed', actor: systemActor, summary: `War room "${room.name}" on ${room.provider} closed (${room.provider === WEB_ROOM ? 'kept read-only' : mode})` }]);
      });
    }
  });
}

/** Keeps members in step (new people reached by escalation are added) and announces resolve/reopen. */
function syncJob(deps: Deps): JobDefinition {
  return defineJob(ROOM_SYNC_TASK, (p) => syncPayload.parse(p), async ({ incidentId, announce, at, invite }) => {
    const now = deps.clock.now();
    const settings = deps.settings();
    if (announce) {
      await withTx(deps.db, async (tx) => {
        const loaded = await loadRoomIncident(tx, incidentId);
        if (!loaded) return;
        const by = loaded.resolvedBy?.startsWith('user:') ? await tx.selectFrom('users').select('name').where('id', '=', loaded.resolvedBy.slice(5)).executeTakeFirst() : undefined;
        const incident = { ...loaded, resolvedBy: by?.name ?? loaded.resolvedBy };
        const how = await tx.selectFrom('incident_events').select('data').where('incident_id', '=', incidentId).where('kind', '=', 'status.resolved').orderBy('at', 'desc').executeTakeFirst();
        const doc =
          announce === 'resolved'
            ? resolutionPost(incident, ((how?.data as { note?: string } | undefined)?.note) ?? null, new Date(now.getTime() + settings.warRooms.close_after), now, settings.publicUrl, summariseDecisions(await listDecisions(tx, incidentId)))
            : noticePost(incident, `🔁 ${incident.title}: reopened`, 'The incident was reopened; the room stays open.', settings.publicUrl);
        await postToRooms(tx, incidentId, `${announce}-${at ?? now.getTime()}`, doc, now, ['active', 'closing']);
      });
      return;
    }
    // Before a room is open its open job invites everyone; afterwards this adds who came since.
    const active = await deps.db.selectFrom('rooms').select('id').where('incident_id', '=', incidentId).where('status', '=', 'active').executeTakeFirst();
    if (!active) return;
    const invitees = await planInvitees(deps.db, incidentId, now, settings.warRooms.experts);
    const known = new Set((await deps.db.selectFrom('room_members').select('user_id').where('incident_id', '=', incidentId).execute()).map((m) => m.user_id));
    // Someone invited by hand is already a member row; they still need adding to the chats.
    const added = invitees.filter((i) => !known.has(i.userId) || i.userId === invite);
    if (!added.length) return;
    const contacts = await loadUserContacts(deps.db, added.map((a) => a.userId));
    const rooms = await deps.db.selectFrom('rooms').selectAll().where('incident_id', '=', incidentId).where('status', '=', 'active').execute();
    for (const room of rooms) {
      const chat = deps.channels.chat(room.provider)?.chat;
      const ids = added.flatMap((a) => platformIdOf(contacts.get(a.userId)?.chatIds ?? {}, room.provider === WEB_ROOM ? 'web' : (chat?.platform ?? '')) ?? []);
      if (room.chat_id && chat?.rooms && ids.length) await chat.rooms.addMembers(room.chat_id, ids);
    }
    await withTx(deps.db, async (tx) => {
      for (const a of added) {
        const reasons = a.reasons.map((r) => r.detail);
        await tx.insertInto('room_members').values({ incident_id: incidentId, user_id: a.userId, reasons, invited_at: now, invited_by: 'system' }).onConflict((oc) => oc.columns(['incident_id', 'user_id']).doNothing()).execute();
      }
      const incident = await loadRoomIncident(tx, incidentId);
      if (!incident) return;
      const mentions: Mention[] = [];
      for (const a of added) {
        const c = contacts.get(a.userId);
        const mention = c ? await budgeted(tx, incidentId, roomClassOf(incident.severity), { kind: 'user', userId: a.userId, name: c.name, chatIds: c.chatIds, phone: c.phone }, a.reasons.map((r) => r.detail).join('; '), settings.warRooms, now) : null;
        if (mention) mentions.push(mention);
      }
      const doc = noticePost(incident, '➕ 新成员 / Joined the room', added.map((a) => `${contacts.get(a.userId)?.name ?? a.userId}: ${a.reasons.map((r) => r.detail).join('; ')}`).join('\n'), settings.publicUrl, mentions);
      await postToRooms(tx, incidentId, `members-${added.map((a) => a.userId).sort().join(',')}`, doc, now);
      await recordTimeline(tx, [{ incidentId, at: now, kind: 'room.members', actor: systemActor, summary: `Added to the war room: ${added.map((a) => a.userId).join(', ')}` }]);
    });
  });
}
