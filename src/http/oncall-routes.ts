import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { NotFoundError, ValidationError } from '../kernel/index.js';
import {
  coverageGaps,
  createOverride,
  deleteOverride,
  listScheduleIds,
  loadSchedule,
  onCallSegments,
  scheduleCalendar,
  shiftsOf,
  userCalendar,
  whoIsOnCall,
} from '../domain/oncall/index.js';
import { writeAudit } from '../domain/access/index.js';
import { actorLabel } from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';

const security = [{ bearer: [] }];
const DAY = 86_400_000;
const isoDate = z.iso.datetime({ offset: true });
const segmentDto = (s: { start: Date; end: Date; userIds: string[]; source: string; layer: string | null }) => ({
  start: s.start.toISOString(),
  end: s.end.toISOString(),
  user_ids: s.userIds,
  source: s.source,
  layer: s.layer,
});

export async function oncallRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const responder = requireRole(ctx, 'responder');
  const scheduleParams = z.object({ id: z.string().min(1).max(64) });
  const names = async () => Object.fromEntries((await ctx.db.selectFrom('users').select(['id', 'name']).execute()).map((u) => [u.id, u.name]));

  app.get('/api/v1/oncall', { preHandler: viewer, schema: { tags: ['on-call'], summary: 'Who is on call now (or at ?at=), per schedule', security, querystring: z.object({ at: isoDate.optional() }) } }, async (request) => {
    const at = request.query.at ? new Date(request.query.at) : ctx.clock.now();
    const items = [];
    for (const { id, name, timezone } of await listScheduleIds(ctx.db)) {
      const answer = whoIsOnCall(await loadSchedule(ctx.db, id, at, new Date(at.getTime() + 1)), at);
      items.push({ schedule_id: id, name, timezone, user_ids: answer.userIds, source: answer.source, layer: answer.layer });
    }
    return { at: at.toISOString(), items };
  });

  app.get('/api/v1/schedules', { preHandler: viewer, schema: { tags: ['on-call'], summary: 'Schedules with their team and layers', security } }, async () => {
    const rows = await ctx.db.selectFrom('schedules').select(['id', 'name', 'timezone', 'team_id', 'layers', 'managed_by']).orderBy('id').execute();
    return { items: rows.map(({ team_id, ...row }) => ({ ...row, team: team_id })) };
  });

  app.get('/api/v1/schedules/:id/oncall', {
    preHandler: viewer,
    schema: { tags: ['on-call'], summary: 'Who is on call at a time (default now)', security, params: scheduleParams, querystring: z.object({ at: isoDate.optional() }) },
  }, async (request) => {
    const at = request.query.at ? new Date(request.query.at) : ctx.clock.now();
    const answer = whoIsOnCall(await loadSchedule(ctx.db, request.params.id, at, new Date(at.getTime() + 1)), at);
    return { schedule_id: request.params.id, at: at.toISOString(), user_ids: answer.userIds, source: answer.source, layer: answer.layer };
  });

  const rangeQuery = z.object({ from: isoDate.optional(), days: z.coerce.number().int().min(1).max(92).default(14) });
  const range = (q: z.infer<typeof rangeQuery>) => {
    const from = q.from ? new Date(q.from) : ctx.clock.now();
    return { from, to: new Date(from.getTime() + q.days * DAY) };
  };

  app.get('/api/v1/schedules/:id/timeline', {
    preHandler: viewer,
    schema: { tags: ['on-call'], summary: 'On-call segments (who, from when to when) for a calendar view', security, params: scheduleParams, querystring: rangeQuery },
  }, async (request) => {
    const { from, to } = range(request.query);
    const schedule = await loadSchedule(ctx.db, request.params.id, from, to);
    return {
      schedule_id: schedule.id,
      timezone: schedule.timezone,
      segments: onCallSegments(schedule, from, to).map(segmentDto),
      overrides: schedule.overrides.map((o) => ({ id: o.id, user_id: o.userId, replaces: o.replaces ?? null, start: o.start.toISOString(), end: o.end.toISOString() })),
      gaps: coverageGaps(schedule, from, to).map(segmentDto),
    };
  });

  app.post('/api/v1/schedules/:id/overrides', {
    preHandler: responder,
    schema: {
      tags: ['on-call'],
      summary: 'Cover a window (or only one person\'s shifts in it, with replaces); two replaces overrides make a swap',
      security,
      params: scheduleParams,
      body: z.object({ user_id: z.string(), start: isoDate, end: isoDate, replaces: z.string().nullable().optional(), reason: z.string().max(500).optional() }),
    },
  }, async (request, reply) => {
    const b = request.body;
    const start = new Date(b.start);
    const end = new Date(b.end);
    if (end <= start) throw new ValidationError('body.end: must be after start');
    const actor = actorOf(request);
    const now = ctx.clock.now();
    const id = await withTx(ctx.db, async (tx) => {
      const schedule = await tx.selectFrom('schedules').select('id').where('id', '=', request.params.id).executeTakeFirst();
      if (!schedule) throw new NotFoundError(`schedule ${request.params.id} not found`);
      for (const userId of [b.user_id, b.replaces].filter(Boolean) as string[]) {
        if (!(await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst())) throw new NotFoundError(`user ${userId} not found`);
      }
      const created = await createOverride(tx, { scheduleId: request.params.id, userId: b.user_id, replacesUserId: b.replaces ?? null, start, end, reason: b.reason, createdBy: actorLabel(actor) });
      await writeAudit(tx, { at: now, actor: actorLabel(actor), action: 'schedule.override.create', targetType: 'schedule', targetId: request.params.id, data: { override_id: created, ...b }, ip: request.ip });
      return created;
    });
    return reply.status(201).send({ id });
  });

  app.delete('/api/v1/schedules/:id/overrides/:overrideId', {
    preHandler: responder,
    schema: { tags: ['on-call'], summary: 'Remove an override', security, params: z.object({ id: z.string(), overrideId: z.uuid() }) },
  }, async (request, reply) => {
    const actor = actorOf(request);
    await withTx(ctx.db, async (tx) => {
      if (!(await deleteOverride(tx, request.params.id, request.params.overrideId))) throw new NotFoundError('override not found');
      await writeAudit(tx, { at: ctx.clock.now(), actor: actorLabel(actor), action: 'schedule.override.delete', targetType: 'schedule', targetId: request.params.id, data: { override_id: request.params.overrideId }, ip: request.ip });
    });
    return reply.status(204).send();
  });

  // Calendar apps cannot send headers, so the iCal feeds also take the API token as ?token=.
  const icalAuth = async (request: Parameters<typeof viewer>[0], reply: Parameters<typeof viewer>[1]) => {
    const token = (request.query as { token?: string }).token;
    if (token && !request.headers.authorization) request.headers.authorization = `Bearer ${token}`;
    await viewer(request, reply);
  };
  // Feeds start at a UTC midnight a week back, so the first event (and its UID) is the same all day.
  const feedStart = (now: Date) => new Date(Math.floor(now.getTime() / DAY) * DAY - 7 * DAY);
  const icalQuery = z.object({ token: z.string().optional(), days: z.coerce.number().int().min(1).max(92).default(28) });

  app.get('/api/v1/schedules/:id/ical', { preHandler: icalAuth, schema: { tags: ['on-call'], summary: 'iCal feed of a schedule', params: scheduleParams, querystring: icalQuery } }, async (request, reply) => {
    const from = feedStart(ctx.clock.now());
    const to = new Date(from.getTime() + (request.query.days + 7) * DAY);
    const body = scheduleCalendar(await loadSchedule(ctx.db, request.params.id, from, to), from, to, await names(), { generatedAt: ctx.clock.now() });
    return reply.header('content-type', 'text/calendar; charset=utf-8').send(body);
  });

  app.get('/api/v1/users/:id/ical', { preHandler: icalAuth, schema: { tags: ['on-call'], summary: 'iCal feed of one person\'s shifts across schedules', params: z.object({ id: z.string() }), querystring: icalQuery } }, async (request, reply) => {
    const from = feedStart(ctx.clock.now());
    const to = new Date(from.getTime() + (request.query.days + 7) * DAY);
    const user = await ctx.db.selectFrom('users').select(['id', 'name']).where('id', '=', request.params.id).executeTakeFirst();
    if (!user) throw new NotFoundError(`user ${request.params.id} not found`);
    const schedules = await Promise.all((await listScheduleIds(ctx.db)).map((s) => loadSchedule(ctx.db, s.id, from, to)));
    return reply.header('content-type', 'text/calendar; charset=utf-8').send(userCalendar(user.id, schedules, from, to, user.name, { generatedAt: ctx.clock.now() }));
  });

  app.get('/api/v1/users/:id/shifts', { preHandler: viewer, schema: { tags: ['on-call'], summary: 'One person\'s shifts across schedules', security, params: z.object({ id: z.string() }), querystring: rangeQuery } }, async (request) => {
    const { from, to } = range(request.query);
    const items = [];
    for (const { id } of await listScheduleIds(ctx.db)) {
      const schedule = await loadSchedule(ctx.db, id, from, to);
      for (const shift of shiftsOf(request.params.id, schedule, from, to)) items.push({ schedule_id: id, start: shift.start.toISOString(), end: shift.end.toISOString() });
    }
    items.sort((a, b) => a.start.localeCompare(b.start));
    return { user_id: request.params.id, items };
  });
}
