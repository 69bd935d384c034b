import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { ForbiddenError } from '../kernel/index.js';
import { acceptChatEvent } from '../domain/chatops/index.js';
import { findIncident } from '../domain/incidents/index.js';
import { ROOM_OPEN_TASK, roomOpenJobKey, scheduleRooms } from '../domain/warroom/index.js';
import { enqueue } from '../queue/index.js';
import { writeAudit } from '../domain/access/index.js';
import { actorLabel, recordTimeline } from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';
import { roomMessagesDto, roomMessagesQuery, roomOpenDto, roomOverviewDto, roomParams as params, roomSayDto } from './room-schemas.js';

const security = [{ bearer: [] }];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The built-in web room: the same room as on Feishu or Slack, inside warroom. Messages and commands
 * posted here take the chat path (capture, commands, RBAC, audit); the room's posts arrive here too.
 */
export async function roomRoutes(scope: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const responder = requireRole(ctx, 'responder');

  app.get('/api/v1/incidents/:id/room', {
    preHandler: viewer,
    schema: { tags: ['war room'], summary: 'The incident’s rooms (web and chat platforms), members with the reasons they are there, roles and collaboration facts', security, params, response: { 200: roomOverviewDto } },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    const rooms = await ctx.db.selectFrom('rooms').selectAll().where('incident_id', '=', incident.id).orderBy('created_at').execute();
    const members = await ctx.db.selectFrom('room_members as m').innerJoin('users as u', 'u.id', 'm.user_id').select(['m.user_id', 'u.name', 'm.reasons', 'm.invited_at', 'm.invited_by', 'm.first_spoke_at', 'm.message_count']).where('m.incident_id', '=', incident.id).orderBy('m.invited_at').execute();
    const roles = await ctx.db.selectFrom('incident_roles').select(['role', 'user_id', 'assigned_at']).where('incident_id', '=', incident.id).execute();
    const mentions = await ctx.db.selectFrom('mentions').select(['user_id', 'reason', 'suppressed', 'at']).where('incident_id', '=', incident.id).orderBy('at').execute();
    return {
      rooms: rooms.map((r) => ({
        provider: r.provider, name: r.name, chat_id: r.chat_id, status: r.status, reason: r.reason, created_at: iso(r.created_at), opened_at: iso(r.opened_at),
        assembled_at: iso(r.assembled_at), first_human_message_at: iso(r.first_human_message_at), closing_at: iso(r.closing_at), closed_at: iso(r.closed_at),
        message_count: r.message_count, human_message_count: r.human_message_count,
        time_to_assemble_seconds: r.assembled_at && r.opened_at ? Math.round((r.assembled_at.getTime() - r.opened_at.getTime()) / 1000) : null,
      })),
      members: members.map((m) => ({ user_id: m.user_id, name: m.name, reasons: m.reasons, invited_at: iso(m.invited_at), invited_by: m.invited_by, first_spoke_at: iso(m.first_spoke_at), message_count: m.message_count })),
      roles: roles.map((r) => ({ role: r.role, user_id: r.user_id, assigned_at: iso(r.assigned_at) })),
      mentions: mentions.map((m) => ({ user_id: m.user_id, reason: m.reason, suppressed: m.suppressed, at: iso(m.at) })),
    };
  });

  app.get('/api/v1/incidents/:id/room/messages', {
    preHandler: viewer,
    schema: { tags: ['war room'], summary: 'Room messages, oldest first; poll with after=<last id> (cards show their current state)', security, params, querystring: roomMessagesQuery, response: { 200: roomMessagesDto } },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    const rows = await ctx.db.selectFrom('room_messages').select(['id', 'provider', 'author_user_id', 'author_label', 'kind', 'text', 'doc', 'created_at', 'updated_at']).where('incident_id', '=', incident.id).where('id', '>', String(request.query.after)).orderBy('id').limit(request.query.limit).execute();
    return { items: rows.map((r) => ({ ...r, id: Number(r.id), created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() })) };
  });

  app.post('/api/v1/incidents/:id/room/messages', {
    preHandler: viewer,
    schema: { tags: ['war room'], summary: 'Say something in the web room; commands ("ack", "确认", "/decision …", "action … @bob by 2h") act like in chat', security, params, body: z.object({ text: z.string().min(1).max(8000) }), response: { 200: roomSayDto } },
  }, async (request) => {
    const principal = request.principal!;
    if (!principal.userId) throw new ForbiddenError(`the token "${principal.name}" belongs to no user; the room needs to know who is speaking`);
    const incident = await findIncident(ctx.db, request.params.id);
    const mentions = [...request.body.text.matchAll(/@([A-Za-z0-9_.-]+)/g)].map((m) => ({ ids: [m[1]!] }));
    const messageId = randomUUID();
    const now = ctx.clock.now();
    const outcome = await acceptChatEvent(ctx.db, { type: 'message', platform: 'web', eventId: messageId, chatId: incident.id, chatType: 'group', messageId, sender: { ids: [principal.userId] }, text: request.body.text, mentions, mentionsBot: true, at: now }, { now, autoCloseAfterMs: ctx.settings().autoCloseAfterMs, provider: 'web', capture: ctx.settings().warRooms.capture, roleCap: principal.role });
    return { ok: outcome.ok, reply: outcome.text || null };
  });

  app.post('/api/v1/incidents/:id/room/open', {
    preHandler: responder,
    schema: { tags: ['war room'], summary: 'Open the war room now (P2 and P3 incidents do not get one by themselves)', security, params, response: { 200: roomOpenDto } },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    const now = ctx.clock.now();
    const opened = await withTx(ctx.db, async (tx) => {
      // Rooms that failed to open get another go; new platforms get their room.
      const retried = await tx.updateTable('rooms').set({ status: 'opening', reason: null, updated_at: now }).where('incident_id', '=', incident.id).where('status', '=', 'failed').returning('id').execute();
      for (const r of retried) await enqueue(tx, ROOM_OPEN_TASK, { roomId: r.id }, { jobKey: roomOpenJobKey(r.id), runAt: now });
      const fresh = await scheduleRooms(tx, [incident.id], now, ctx.roomScheduling(), { force: true });
      await writeAudit(tx, { at: now, actor: actorLabel(actorOf(request)), action: 'incident.room.open', targetType: 'incident', targetId: incident.id, data: { retried: retried.length } });
      await recordTimeline(tx, [{ incidentId: incident.id, at: now, kind: 'room.requested', actor: actorOf(request), summary: `${actorLabel(actorOf(request))} asked for the war room` }]);
      return fresh.length > 0 || retried.length > 0;
    });
    return { opened };
  });
}
