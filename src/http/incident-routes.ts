import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { AppError, ConflictError, formatIncidentRef, ValidationError } from '../kernel/index.js';
import { severitySchema } from '../contracts/index.js';
import { listIncidentAlerts } from '../domain/alerts/index.js';
import { escalateNow } from '../domain/escalation/index.js';
import { findSimilarIncidents, loadRoomIncident } from '../domain/warroom/index.js';
import {
  OPEN_STATUSES,
  WORKING_STATUSES,
  addNote,
  assignIncident,
  changeIncidentStatus,
  changeSeverity,
  declareIncident,
  findIncident,
  listIncidents,
  listTimeline,
  relatedIncidents,
  setIncidentRole,
  toIncidentDto,
  type ActionContext,
  type LifecycleEvent,
} from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';
import {
  alertDto,
  bulkAckBody,
  bulkAckResult,
  declareBody,
  incidentDto,
  incidentListQuery,
  incidentParams,
  noteBody,
  relatedDto,
  roleBody,
  roleDto,
  roleParams,
  similarDto,
  timelineEventDto,
} from './incident-schemas.js';

const iso = (value: Date | null) => value?.toISOString() ?? null;

export async function incidentRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const responder = requireRole(ctx, 'responder');
  const actionContext = (request: Parameters<typeof actorOf>[0]): ActionContext => ({
    now: ctx.clock.now(),
    actor: actorOf(request),
    autoCloseAfterMs: ctx.settings().autoCloseAfterMs,
  });
  const security = [{ bearer: [] }];

  app.get('/api/v1/incidents', {
    preHandler: viewer,
    schema: { tags: ['incidents'], summary: 'List incidents, newest first', security, querystring: incidentListQuery, response: { 200: z.object({ items: z.array(incidentDto), next_cursor: z.string().nullable() }) } },
  }, async (request) => {
    const q = request.query;
    const statuses = q.status.flatMap((s) => (s === 'open' ? [...OPEN_STATUSES] : [s]));
    const assignee = q.assignee === 'me' ? (request.principal?.userId ?? '\u0000none') : q.assignee;
    const page = await listIncidents(ctx.db, {
      statuses,
      severities: q.severity,
      serviceIds: q.service,
      assigneeUserId: assignee,
      beforeNumber: q.cursor ? Number(q.cursor) : undefined,
      limit: q.limit,
    });
    const now = ctx.clock.now();
    return { items: page.items.map((row) => toIncidentDto(row, now)), next_cursor: page.nextCursor };
  });

  app.post('/api/v1/incidents', {
    preHandler: responder,
    schema: { tags: ['incidents'], summary: 'Declare an incident by hand', security, body: declareBody, response: { 201: incidentDto } },
  }, async (request, reply) => {
    const b = request.body;
    const ctxAction = actionContext(request);
    const row = await withTx(ctx.db, (tx) =>
      declareIncident(tx, { title: b.title, description: b.description, serviceId: b.service_id, severity: b.severity, category: b.category, impact: b.impact, assigneeUserId: b.assignee_user_id }, ctxAction),
    );
    return reply.status(201).send(toIncidentDto(row, ctxAction.now));
  });

  app.get('/api/v1/incidents/:id', {
    preHandler: viewer,
    schema: {
      tags: ['incidents'],
      summary: 'One incident with its alerts, timeline and related incidents',
      security,
      params: incidentParams,
      response: { 200: z.object({ incident: incidentDto, alerts: z.array(alertDto), timeline: z.array(timelineEventDto), related: z.array(relatedDto) }) },
    },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    const [alerts, timeline, related] = await Promise.all([
      listIncidentAlerts(ctx.db, incident.id),
      listTimeline(ctx.db, incident.id),
      relatedIncidents(ctx.db, incident.id),
    ]);
    return {
      incident: toIncidentDto(incident, ctx.clock.now()),
      alerts: alerts.map((a) => ({ ...a, starts_at: a.starts_at.toISOString(), ends_at: iso(a.ends_at), last_seen_at: a.last_seen_at.toISOString() })),
      timeline: timeline.map((e) => ({ ...e, id: Number(e.id), at: e.at.toISOString() })),
      related: related.map((r) => ({ id: r.id, ref: formatIncidentRef(r.number), title: r.title, status: r.status, severity: r.severity, service_id: r.service_id, reason: r.reason })),
    };
  });

  app.get('/api/v1/incidents/:id/timeline', {
    preHandler: viewer,
    schema: { tags: ['incidents'], summary: 'Timeline events, oldest first; poll with after=<last id>', security, params: incidentParams, querystring: z.object({ after: z.coerce.number().int().min(0).default(0) }), response: { 200: z.object({ items: z.array(timelineEventDto) }) } },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    const items = await listTimeline(ctx.db, incident.id, { afterId: request.query.after });
    return { items: items.map((e) => ({ ...e, id: Number(e.id), at: e.at.toISOString() })) };
  });

  const lifecycle: Record<string, (body: z.infer<typeof noteBody>) => LifecycleEvent> = {
    acknowledge: () => ({ type: 'acknowledge' }),
    resolve: () => ({ type: 'resolve' }),
    reopen: () => ({ type: 'reopen' }),
    close: () => ({ type: 'close' }),
  };
  for (const [action, toEvent] of Object.entries(lifecycle)) {
    app.post(`/api/v1/incidents/:id/${action}`, {
      preHandler: responder,
      schema: { tags: ['incidents'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} an incident`, description: 'Answers 409 when the lifecycle does not allow it (for example acknowledging a resolved incident).', security, params: incidentParams, body: noteBody, response: { 200: incidentDto } },
    }, async (request) => {
      const c = actionContext(request);
      const row = await withTx(ctx.db, (tx) => changeIncidentStatus(tx, request.params.id, toEvent(request.body), c, { note: request.body?.note }));
      return toIncidentDto(row, c.now);
    });
  }

  app.post('/api/v1/incidents/:id/status', {
    preHandler: responder,
    schema: { tags: ['incidents'], summary: 'Move an incident to a working status (investigating, identified, containing…)', security, params: incidentParams, body: z.object({ status: z.enum(WORKING_STATUSES).describe('a working status; use acknowledge, resolve, reopen or close for the others'), note: z.string().max(4000).optional() }), response: { 200: incidentDto } },
  }, async (request) => {
    const c = actionContext(request);
    const row = await withTx(ctx.db, (tx) => changeIncidentStatus(tx, request.params.id, { type: 'set_status', to: request.body.status }, c, { note: request.body.note }));
    return toIncidentDto(row, c.now);
  });

  app.post('/api/v1/incidents/:id/assign', {
    preHandler: responder,
    schema: { tags: ['incidents'], summary: 'Assign (or unassign with null) an incident', security, params: incidentParams, body: z.object({ user_id: z.string().nullable() }), response: { 200: incidentDto } },
  }, async (request) => {
    const c = actionContext(request);
    const row = await withTx(ctx.db, (tx) => assignIncident(tx, request.params.id, request.body.user_id, c));
    return toIncidentDto(row, c.now);
  });

  app.post('/api/v1/incidents/:id/severity', {
    preHandler: responder,
    schema: { tags: ['incidents'], summary: 'Change severity; a person\'s choice is no longer raised by alerts', security, params: incidentParams, body: z.object({ severity: severitySchema, reason: z.string().max(2000).optional() }), response: { 200: incidentDto } },
  }, async (request) => {
    const c = actionContext(request);
    const row = await withTx(ctx.db, (tx) => changeSeverity(tx, request.params.id, request.body.severity, c, request.body.reason));
    return toIncidentDto(row, c.now);
  });

  app.post('/api/v1/incidents/:id/notes', {
    preHandler: responder,
    schema: { tags: ['incidents'], summary: 'Add a note to the timeline', security, params: incidentParams, body: z.object({ text: z.string().max(20_000) }), response: { 201: z.object({ ok: z.literal(true) }) } },
  }, async (request, reply) => {
    if (!request.body.text.trim()) throw new ValidationError('body.text: a note cannot be empty');
    const c = actionContext(request);
    await withTx(ctx.db, (tx) => addNote(tx, request.params.id, request.body.text, c));
    return reply.status(201).send({ ok: true as const });
  });

  app.post('/api/v1/incidents/acknowledge', {
    preHandler: responder,
    schema: {
      tags: ['incidents'],
      summary: 'Acknowledge several incidents at once',
      description: 'Each incident is acknowledged in its own transaction, so one that cannot be (unknown, already acknowledged, resolved) is reported in its result and does not stop the rest.',
      security,
      body: bulkAckBody,
      response: { 200: bulkAckResult },
    },
  }, async (request) => {
    const results: z.infer<typeof bulkAckResult>['results'] = [];
    for (const id of new Set(request.body.ids)) {
      let ref: string | null = null;
      try {
        const incident = await findIncident(ctx.db, id);
        ref = formatIncidentRef(incident.number);
        const c = actionContext(request);
        await withTx(ctx.db, (tx) => changeIncidentStatus(tx, incident.id, { type: 'acknowledge' }, c, { note: request.body.note }));
        results.push({ id, ref, ok: true });
      } catch (error) {
        if (!(error instanceof AppError)) request.log.error({ err: error, incident: id }, 'bulk acknowledge failed for one incident');
        results.push({ id, ref, ok: false, error: error instanceof AppError ? error.message : 'internal error; see the server log' });
      }
    }
    return { results };
  });

  app.post('/api/v1/incidents/:id/escalate', {
    preHandler: responder,
    schema: {
      tags: ['incidents'],
      summary: 'Escalate now: page the next level without waiting for its delay',
      description: 'Answers 409 when no escalation is running (acknowledged, every level paged, or none started).',
      security,
      params: incidentParams,
      response: { 200: z.object({ result: z.literal('escalated') }) },
    },
  }, async (request) => {
    const c = actionContext(request);
    const { incident, outcome } = await withTx(ctx.db, async (tx) => {
      const row = await findIncident(tx, request.params.id);
      return { incident: row, outcome: await escalateNow(tx, row.id, c.now, c.actor) };
    });
    if (outcome === 'not-running') throw new ConflictError(`${formatIncidentRef(incident.number)} is not escalating (it is ${incident.status})`);
    return { result: 'escalated' as const };
  });

  app.put('/api/v1/incidents/:id/roles/:role', {
    preHandler: responder,
    schema: { tags: ['incidents'], summary: 'Name the commander, scribe or liaison of an incident (null clears the role)', security, params: roleParams, body: roleBody, response: { 200: roleDto } },
  }, async (request) => {
    const c = actionContext(request);
    const change = await withTx(ctx.db, (tx) => setIncidentRole(tx, request.params.id, request.params.role, request.body.user_id, c));
    return { role: change.role, user_id: change.user?.id ?? null, name: change.user?.name ?? null, changed: change.changed };
  });

  app.get('/api/v1/incidents/:id/similar', {
    preHandler: viewer,
    schema: {
      tags: ['incidents'],
      summary: 'Similar resolved incidents and the service\'s diagnostic links (what the room\'s context post shows)',
      security,
      params: incidentParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) }),
      response: { 200: similarDto },
    },
  }, async (request) => {
    const found = await findIncident(ctx.db, request.params.id);
    const publicUrl = ctx.settings().publicUrl;
    const [similar, incident] = await Promise.all([findSimilarIncidents(ctx.db, found.id, publicUrl, request.query.limit), loadRoomIncident(ctx.db, found.id)]);
    // The same substitution as the room's context post: {service} becomes the service id.
    const service = encodeURIComponent(incident?.serviceId ?? '');
    return {
      similar: similar.map((s) => ({ ref: s.ref, title: s.title, url: s.url, resolved_by: s.resolvedBy, why: s.why })),
      links: Object.entries(incident?.links ?? {}).map(([title, url]) => ({ title, url: url.replaceAll('{service}', service) })),
    };
  });
}
