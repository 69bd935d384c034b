import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { ConflictError, NotFoundError, SEVERITIES } from '../kernel/index.js';
import { roleSchema } from '../contracts/index.js';
import { severityPolicies } from '../domain/notify/index.js';
import { createApiToken, listApiTokens, listAudit, revokeApiToken, writeAudit } from '../domain/access/index.js';
import { listServices } from '../domain/services/index.js';
import { actorLabel } from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';

const security = [{ bearer: [] }];

/** Read views of the config-managed catalog, the audit log and API token management. */
export async function catalogRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const admin = requireRole(ctx, 'admin');

  app.get('/api/v1/me', { preHandler: viewer, schema: { tags: ['access'], summary: 'Who is calling: the token (or for a session the user id), role, user and how', security } }, async (request) => ({
    token: request.principal!.name,
    role: request.principal!.role,
    user_id: request.principal!.userId,
    name: request.principal!.userName ?? request.principal!.name,
    via: request.principal!.kind,
  }));

  app.get('/api/v1/services', { preHandler: viewer, schema: { tags: ['catalog'], summary: 'Services with owners, teams, links, dependencies, escalation policies and chat destinations', description: 'paging: per severity, the escalation policy that pages, "record-only" when that severity pages nobody, or null when the service has no policy.', security } }, async () => {
    const severity = severityPolicies(ctx.settings().notifications.severity_policy);
    return {
      items: (await listServices(ctx.db)).map((s) => ({
        id: s.id, name: s.name, description: s.description, owner: s.owner_user_id, team: s.team_id, impact: s.impact,
        links: s.links, auto_resolve: s.auto_resolve, depends_on: s.depends_on, grouping: s.grouping,
        escalation_policy: s.escalation_policy_id, escalation_by_severity: s.escalation_by_severity, chat_destinations: s.chat_destinations,
        paging: Object.fromEntries(SEVERITIES.map((sev) => [sev, severity[sev].recordOnly ? 'record-only' : (s.escalation_by_severity[sev] ?? s.escalation_policy_id ?? null)])),
      })),
    };
  });

  app.get('/api/v1/users', { preHandler: viewer, schema: { tags: ['catalog'], summary: 'Users (contact details are shown to responders and admins only)', security } }, async (request) => {
    const rows = await ctx.db.selectFrom('users').select(['id', 'name', 'email', 'phone', 'timezone', 'role', 'chat_ids']).orderBy('id').execute();
    const mayContact = request.principal!.role !== 'viewer';
    return { items: rows.map((u) => (mayContact ? u : { id: u.id, name: u.name, timezone: u.timezone, role: u.role })) };
  });

  app.get('/api/v1/teams', { preHandler: viewer, schema: { tags: ['catalog'], summary: 'Teams and members', security } }, async () => {
    const teams = await ctx.db.selectFrom('teams').selectAll().orderBy('id').execute();
    const members = await ctx.db.selectFrom('team_members').selectAll().execute();
    return { items: teams.map((t) => ({ id: t.id, name: t.name, lead: t.lead_user_id, members: members.filter((m) => m.team_id === t.id).map((m) => m.user_id) })) };
  });

  app.get('/api/v1/audit', {
    preHandler: admin,
    schema: { tags: ['access'], summary: 'Audit log, newest first', security, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: z.coerce.number().int().optional(), target_type: z.string().optional(), target_id: z.string().optional() }) },
  }, async (request) => {
    const rows = await listAudit(ctx.db, { limit: request.query.limit, beforeId: request.query.before, targetType: request.query.target_type, targetId: request.query.target_id });
    return { items: rows.map((r) => ({ ...r, id: Number(r.id), at: r.at.toISOString() })) };
  });

  app.get('/api/v1/tokens', { preHandler: admin, schema: { tags: ['access'], summary: 'API tokens (never their secrets)', security } }, async () => ({
    items: (await listApiTokens(ctx.db)).map((t) => ({ ...t, created_at: t.created_at.toISOString(), last_used_at: t.last_used_at?.toISOString() ?? null, revoked_at: t.revoked_at?.toISOString() ?? null })),
  }));

  app.post('/api/v1/tokens', {
    preHandler: admin,
    schema: { tags: ['access'], summary: 'Create an API token; its secret is shown once', security, body: z.object({ name: z.string().min(1).max(100), role: roleSchema, user_id: z.string().optional() }) },
  }, async (request, reply) => {
    const now = ctx.clock.now();
    const actor = actorOf(request);
    const created = await withTx(ctx.db, async (tx) => {
      const exists = await tx.selectFrom('api_tokens').select('id').where('name', '=', request.body.name).executeTakeFirst();
      if (exists) throw new ConflictError(`a token named "${request.body.name}" exists`);
      const token = await createApiToken(tx, { name: request.body.name, role: request.body.role, userId: request.body.user_id });
      await writeAudit(tx, { at: now, actor: actorLabel(actor), action: 'token.create', targetType: 'api_token', targetId: token.id, data: { name: request.body.name, role: request.body.role }, ip: request.ip });
      return token;
    });
    return reply.status(201).send({ id: created.id, name: request.body.name, role: request.body.role, token: created.token });
  });

  app.delete('/api/v1/tokens/:id', {
    preHandler: admin,
    schema: { tags: ['access'], summary: 'Revoke an API token', security, params: z.object({ id: z.uuid() }) },
  }, async (request, reply) => {
    const now = ctx.clock.now();
    const actor = actorOf(request);
    await withTx(ctx.db, async (tx) => {
      if (!(await revokeApiToken(tx, request.params.id, now))) throw new NotFoundError('no active token with this id');
      await writeAudit(tx, { at: now, actor: actorLabel(actor), action: 'token.revoke', targetType: 'api_token', targetId: request.params.id, ip: request.ip });
    });
    ctx.tokens.invalidate();
    return reply.status(204).send();
  });
}
