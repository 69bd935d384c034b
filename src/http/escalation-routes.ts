import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { NotFoundError } from '../kernel/index.js';
import { escalationTargetSchema, severitySchema, slugSchema } from '../contracts/index.js';
import { writeAudit } from '../domain/access/index.js';
import { lintReadiness, loadPolicy, simulateEscalation } from '../domain/escalation/index.js';
import { actorLabel, findIncident } from '../domain/incidents/index.js';
import { listIncidentNotifications } from '../domain/notify/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';

const security = [{ bearer: [] }];

export async function escalationRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const admin = requireRole(ctx, 'admin');
  const deps = () => ({ settings: ctx.settings(), availableChannels: ctx.availableChannels() });

  app.get('/api/v1/escalation-policies', { preHandler: viewer, schema: { tags: ['escalation'], summary: 'Escalation policies', security } }, async () => ({
    items: await ctx.db.selectFrom('escalation_policies').select(['id', 'name', 'repeat', 'levels', 'fallback', 'managed_by']).orderBy('id').execute(),
  }));

  app.put('/api/v1/escalation-policies/:id', {
    preHandler: admin,
    schema: {
      tags: ['escalation'],
      summary: 'Create or replace a policy. A policy declared in warroom.yaml is set back by the next apply: edit the file for those.',
      security,
      params: z.object({ id: slugSchema }),
      body: z.object({
        name: z.string().min(1),
        repeat: z.int().min(0).max(10).default(0),
        levels: z.array(z.object({ targets: z.array(escalationTargetSchema).min(1), escalate_after_seconds: z.int().min(0).max(86_400) })).min(1),
        fallback: z.array(escalationTargetSchema).default([]),
      }),
    },
  }, async (request) => {
    const b = request.body;
    const actor = actorOf(request);
    const row = {
      id: request.params.id,
      name: b.name,
      repeat: b.repeat,
      levels: JSON.stringify(b.levels.map((l) => ({ targets: l.targets, escalate_after: l.escalate_after_seconds * 1000 }))),
      fallback: JSON.stringify(b.fallback),
      updated_at: ctx.clock.now(),
    };
    await withTx(ctx.db, async (tx) => {
      await tx.insertInto('escalation_policies').values({ ...row, managed_by: 'api' }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
      await writeAudit(tx, { at: ctx.clock.now(), actor: actorLabel(actor), action: 'escalation_policy.put', targetType: 'escalation_policy', targetId: request.params.id, data: b, ip: request.ip });
    });
    return loadPolicy(ctx.db, request.params.id);
  });

  app.post('/api/v1/simulate', {
    preHandler: viewer,
    schema: {
      tags: ['escalation'],
      summary: 'Who would be paged, when, on which channels, for an incident on a service at a severity and time (nobody acknowledging)',
      security,
      body: z.object({ service: z.string(), severity: severitySchema, at: z.iso.datetime({ offset: true }).optional() }),
    },
  }, async (request) => {
    const at = request.body.at ? new Date(request.body.at) : ctx.clock.now();
    const result = await simulateEscalation(ctx.db, { serviceId: request.body.service, severity: request.body.severity, at }, deps());
    return {
      service: result.serviceId,
      severity: result.severity,
      policy: result.policyId,
      note: result.note,
      steps: result.steps.map((s) => ({
        at: s.at.toISOString(),
        step: s.step,
        label: s.label,
        users: s.users.map((u) => ({ user_id: u.userId, reason: u.reason, channels: u.channels.map((c) => ({ channel: c.channel, at: c.at.toISOString() })), skipped: u.skipped })),
      })),
    };
  });

  app.get('/api/v1/lint', {
    preHandler: viewer,
    schema: { tags: ['escalation'], summary: 'Readiness check: coverage gaps, unreachable steps, unreachable people', security, querystring: z.object({ days: z.coerce.number().int().min(1).max(92).default(14) }) },
  }, async (request) => ({ findings: await lintReadiness(ctx.db, ctx.clock.now(), { days: request.query.days, availableChannels: ctx.availableChannels() }) }));

  app.get('/api/v1/incidents/:id/notifications', {
    preHandler: viewer,
    schema: { tags: ['incidents'], summary: 'Who was paged, on which channel, and what happened (queued, sent, failed and why, retried)', security, params: z.object({ id: z.string() }) },
  }, async (request) => {
    const incident = await findIncident(ctx.db, request.params.id);
    const escalation = await ctx.db.selectFrom('escalations').selectAll().where('incident_id', '=', incident.id).executeTakeFirst();
    const rows = await listIncidentNotifications(ctx.db, incident.id);
    return {
      escalation: escalation
        ? { policy: escalation.policy_id, state: escalation.state, level: escalation.level, cycle: escalation.cycle, fallback: escalation.fallback, next_step_at: escalation.next_step_at?.toISOString() ?? null }
        : null,
      items: rows.map((r) => ({ ...r, scheduled_at: r.scheduled_at.toISOString(), sent_at: r.sent_at?.toISOString() ?? null, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() })),
    };
  });

  app.get('/api/v1/me/inbox', { preHandler: viewer, schema: { tags: ['access'], summary: 'Pages delivered to the built-in inbox of the token\'s user', security } }, async (request) => {
    const userId = request.principal?.userId;
    if (!userId) throw new NotFoundError('this token belongs to no user');
    const rows = await ctx.db.selectFrom('inbox_messages').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').limit(100).execute();
    return { items: rows.map((r) => ({ id: Number(r.id), incident_id: r.incident_id, doc: r.doc, created_at: r.created_at.toISOString(), read_at: r.read_at?.toISOString() ?? null })) };
  });
}
