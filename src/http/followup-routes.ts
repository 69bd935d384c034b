import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { ValidationError } from '../kernel/index.js';
import { findIncident } from '../domain/incidents/index.js';
import {
  buildIncidentDocument,
  cancelActionItem,
  completeActionItem,
  createActionItem,
  isValidTimeZone,
  listActionItems,
  listDecisions,
  loadIncidentDocumentData,
  recordDecision,
  updateActionItem,
  type ActionItem,
  type Decision,
  type FollowupContext,
} from '../domain/followups/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';
import { incidentParams } from './incident-schemas.js';

const source = z.enum(['api', 'ui']).default('api').describe('where the request came from; chat commands record "chat" themselves');
const isoTime = z.iso.datetime({ offset: true }).describe('an ISO 8601 time with an offset, e.g. 2026-11-24T10:00:00+08:00');

export const actionItemDto = z.object({
  id: z.string(),
  incident_id: z.string(),
  title: z.string(),
  assignee_user_id: z.string().nullable(),
  assignee_name: z.string().nullable(),
  due_at: z.string(),
  status: z.enum(['open', 'done', 'cancelled']),
  created_by: z.string(),
  source: z.string(),
  reminded_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  done_at: z.string().nullable(),
});

export const decisionDto = z.object({
  id: z.string(),
  incident_id: z.string(),
  decided_by: z.string(),
  summary: z.string(),
  rationale: z.string().nullable(),
  alternatives: z.array(z.string()),
  decided_at: z.string(),
  source: z.string(),
});

const itemParams = z.object({ id: z.uuid().describe('the action item id') });
const closeBody = z.object({ note: z.string().max(4000).optional() }).nullish();

const createItemBody = z.object({
  title: z.string().min(1).max(500),
  assignee_user_id: z.string().min(1).nullable().optional().describe('omit for whoever is on call now; null for nobody'),
  due_at: isoTime.optional().describe('omit for the severity default: P0/P1 2 h, P2 24 h, P3 3 d'),
  source,
});

const patchItemBody = z
  .object({
    title: z.string().min(1).max(500).optional(),
    assignee_user_id: z.string().min(1).nullable().optional(),
    due_at: isoTime.optional(),
  })
  .refine((b) => b.title !== undefined || b.assignee_user_id !== undefined || b.due_at !== undefined, { message: 'change at least one of title, assignee_user_id, due_at' });

const createDecisionBody = z.object({
  summary: z.string().min(1).max(2000).describe('what was decided'),
  rationale: z.string().max(4000).nullable().optional().describe('why'),
  alternatives: z.array(z.string().min(1).max(500)).max(20).optional().describe('what else was considered'),
  source,
});

const iso = (value: Date | null) => value?.toISOString() ?? null;

export const toActionItemDto = (item: ActionItem): z.infer<typeof actionItemDto> => ({
  id: item.id,
  incident_id: item.incidentId,
  title: item.title,
  assignee_user_id: item.assigneeUserId,
  assignee_name: item.assigneeName,
  due_at: item.dueAt.toISOString(),
  status: item.status,
  created_by: item.createdBy,
  source: item.source,
  reminded_at: iso(item.remindedAt),
  created_at: item.createdAt.toISOString(),
  updated_at: item.updatedAt.toISOString(),
  done_at: iso(item.doneAt),
});

export const toDecisionDto = (d: Decision): z.infer<typeof decisionDto> => ({
  id: d.id,
  incident_id: d.incidentId,
  decided_by: d.decidedBy,
  summary: d.summary,
  rationale: d.rationale,
  alternatives: d.alternatives,
  decided_at: d.decidedAt.toISOString(),
  source: d.source,
});

/** Action items, decisions and the incident document (事件文档). */
export async function followupRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const responder = requireRole(ctx, 'responder');
  const security = [{ bearer: [] }];
  const tags = ['follow-ups'];
  const context = (request: FastifyRequest): FollowupContext => ({ now: ctx.clock.now(), actor: actorOf(request) });

  app.get('/api/v1/incidents/:id/action-items', {
    preHandler: viewer,
    schema: { tags, summary: 'An incident\'s action items, oldest first', security, params: incidentParams, querystring: z.object({ status: z.enum(['open', 'done', 'cancelled']).optional() }), response: { 200: z.object({ items: z.array(actionItemDto) }) } },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    const items = await listActionItems(ctx.db, incident.id, { status: request.query.status });
    return { items: items.map(toActionItemDto) };
  });

  app.post('/api/v1/incidents/:id/action-items', {
    preHandler: responder,
    schema: {
      tags,
      summary: 'Add an action item; it is reminded before it is due',
      description: 'Without assignee_user_id the item goes to whoever the incident\'s escalation pages first right now, then the incident\'s assignee, then the service owner.',
      security,
      params: incidentParams,
      body: createItemBody,
      response: { 201: actionItemDto.extend({ assigned_by: z.enum(['given', 'on_call', 'incident_assignee', 'service_owner', 'none']) }) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const item = await withTx(ctx.db, (tx) =>
      createActionItem(tx, { incidentId: request.params.id, title: b.title, assigneeUserId: b.assignee_user_id, dueAt: b.due_at ? new Date(b.due_at) : undefined, source: b.source }, context(request)),
    );
    return reply.status(201).send({ ...toActionItemDto(item), assigned_by: item.assignedBy });
  });

  for (const [action, run] of [['complete', completeActionItem], ['cancel', cancelActionItem]] as const) {
    app.post(`/api/v1/action-items/:id/${action}`, {
      preHandler: responder,
      schema: { tags, summary: `${action === 'complete' ? 'Complete' : 'Cancel'} an action item; its reminder is removed`, description: 'Answers 409 when the item is no longer open.', security, params: itemParams, body: closeBody, response: { 200: actionItemDto } },
    }, async (request) => {
      const item = await withTx(ctx.db, (tx) => run(tx, request.params.id, context(request), request.body?.note));
      return toActionItemDto(item);
    });
  }

  app.patch('/api/v1/action-items/:id', {
    preHandler: responder,
    schema: { tags, summary: 'Change an open action item\'s title, assignee or due time', security, params: itemParams, body: patchItemBody, response: { 200: actionItemDto } },
  }, async (request) => {
    const b = request.body;
    const item = await withTx(ctx.db, (tx) =>
      updateActionItem(tx, request.params.id, { title: b.title, assigneeUserId: b.assignee_user_id, dueAt: b.due_at ? new Date(b.due_at) : undefined }, context(request)),
    );
    return toActionItemDto(item);
  });

  app.get('/api/v1/incidents/:id/decisions', {
    preHandler: viewer,
    schema: { tags, summary: 'An incident\'s decisions, in the order they were taken', security, params: incidentParams, response: { 200: z.object({ items: z.array(decisionDto) }) } },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    return { items: (await listDecisions(ctx.db, incident.id)).map(toDecisionDto) };
  });

  app.post('/api/v1/incidents/:id/decisions', {
    preHandler: responder,
    schema: { tags, summary: 'Record a decision: what, why, and the alternatives considered', security, params: incidentParams, body: createDecisionBody, response: { 201: decisionDto } },
  }, async (request, reply) => {
    const b = request.body;
    const decision = await withTx(ctx.db, (tx) =>
      recordDecision(tx, { incidentId: request.params.id, summary: b.summary, rationale: b.rationale, alternatives: b.alternatives, source: b.source }, context(request)),
    );
    return reply.status(201).send(toDecisionDto(decision));
  });

  app.get('/api/v1/incidents/:id/document', {
    preHandler: viewer,
    schema: {
      tags,
      summary: 'The incident document (事件文档) as markdown',
      description: 'Basic info, timeline, impact, root cause, resolution, decisions, follow-ups and lessons. Times are shown in `tz`, else the token user\'s time zone, else UTC.',
      security,
      params: incidentParams,
      querystring: z.object({ tz: z.string().max(64).optional().describe('an IANA time zone, e.g. Asia/Shanghai') }),
      produces: ['text/markdown'],
    },
  }, async (request, reply) => {
    const timeZone = request.query.tz ?? (await userTimeZone(ctx, request.principal?.userId ?? null));
    if (!isValidTimeZone(timeZone)) throw new ValidationError(`querystring.tz: "${timeZone}" is not an IANA time zone`);
    const data = await loadIncidentDocumentData(ctx.db, request.params.id, { now: ctx.clock.now(), timeZone });
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', `inline; filename="${data.incident.ref}.md"`)
      .send(buildIncidentDocument(data));
  });
}

async function userTimeZone(ctx: HttpContext, userId: string | null): Promise<string> {
  if (!userId) return 'UTC';
  const user = await ctx.db.selectFrom('users').select('timezone').where('id', '=', userId).executeTakeFirst();
  return user && isValidTimeZone(user.timezone) ? user.timezone : 'UTC';
}
