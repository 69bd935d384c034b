import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { HttpContext } from './app-context.js';

export async function systemRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  app.get('/healthz', {
    schema: {
      tags: ['system'],
      summary: 'Liveness and readiness: 200 only when the database answers',
      response: { 200: z.object({ status: z.literal('ok') }), 503: z.object({ status: z.string(), reason: z.string() }) },
    },
  }, async (_request, reply) => {
    if (ctx.isShuttingDown()) return reply.status(503).send({ status: 'unavailable', reason: 'shutting down' });
    try {
      await Promise.race([
        sql`select 1`.execute(ctx.db),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2000).unref()),
      ]);
      return reply.send({ status: 'ok' as const });
    } catch {
      return reply.status(503).send({ status: 'unavailable', reason: 'database does not answer' });
    }
  });

  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics', hide: false } }, async (_request, reply) => {
    const body = await ctx.metrics.registry.metrics();
    return reply.header('content-type', ctx.metrics.registry.contentType).send(body);
  });
}
