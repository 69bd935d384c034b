import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { NotFoundError, ValidationError } from '../kernel/index.js';
import { writeAudit } from '../domain/access/index.js';
import { actorLabel } from '../domain/incidents/index.js';
import { createSilence, expireSilence, listSilences, parseMatcher } from '../domain/notify/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';

const security = [{ bearer: [] }];

export async function silenceRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const responder = requireRole(ctx, 'responder');

  app.get('/api/v1/silences', { preHandler: viewer, schema: { tags: ['silences'], summary: 'Silences and maintenance windows in force or to come', security } }, async () => ({
    items: (await listSilences(ctx.db, { includeExpiredSince: ctx.clock.now() })).map((s) => ({ ...s, startsAt: undefined, endsAt: undefined, starts_at: s.startsAt.toISOString(), ends_at: s.endsAt.toISOString() })),
  }));

  app.post('/api/v1/silences', {
    preHandler: responder,
    schema: {
      tags: ['silences'],
      summary: 'Silence pages matching all matchers (service=checkout, severity=~P[23], cluster!=dev) until a time; a future start makes a maintenance window',
      security,
      body: z.object({
        matchers: z.array(z.string()).min(1),
        starts_at: z.iso.datetime({ offset: true }).optional(),
        ends_at: z.iso.datetime({ offset: true }),
        comment: z.string().min(1).max(1000),
        kind: z.enum(['silence', 'maintenance']).default('silence'),
      }),
    },
  }, async (request, reply) => {
    const b = request.body;
    const now = ctx.clock.now();
    const startsAt = b.starts_at ? new Date(b.starts_at) : now;
    const endsAt = new Date(b.ends_at);
    if (endsAt <= startsAt) throw new ValidationError('body.ends_at: must be after starts_at');
    const matchers = b.matchers.map((text, i) => {
      try {
        return parseMatcher(text);
      } catch (error) {
        throw new ValidationError(`body.matchers[${i}]: ${(error as Error).message}`);
      }
    });
    const actor = actorOf(request);
    const id = await withTx(ctx.db, async (tx) => {
      const created = await createSilence(tx, { kind: b.kind, matchers, startsAt, endsAt, comment: b.comment, createdBy: actorLabel(actor) });
      await writeAudit(tx, { at: now, actor: actorLabel(actor), action: 'silence.create', targetType: 'silence', targetId: created, data: { matchers: b.matchers, ends_at: b.ends_at, comment: b.comment }, ip: request.ip });
      return created;
    });
    return reply.status(201).send({ id });
  });

  app.delete('/api/v1/silences/:id', { preHandler: responder, schema: { tags: ['silences'], summary: 'Expire a silence now', security, params: z.object({ id: z.uuid() }) } }, async (request, reply) => {
    const actor = actorOf(request);
    await withTx(ctx.db, async (tx) => {
      if (!(await expireSilence(tx, request.params.id, ctx.clock.now()))) throw new NotFoundError('no active silence with this id');
      await writeAudit(tx, { at: ctx.clock.now(), actor: actorLabel(actor), action: 'silence.expire', targetType: 'silence', targetId: request.params.id, ip: request.ip });
    });
    return reply.status(204).send();
  });
}
