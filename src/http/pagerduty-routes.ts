import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeZodError, pagerDutyEventSchema } from '../contracts/index.js';
import { normalizePagerDuty } from '../domain/alerts/index.js';
import type { HttpContext } from './app-context.js';
import { countOutcomes } from './ingest-routes.js';

const pdError = z.object({ status: z.string(), message: z.string(), errors: z.array(z.string()) });

/**
 * PagerDuty Events API v2 compatibility: tools that can page PagerDuty can page warroom by
 * changing the host. Replies and errors keep PagerDuty's shapes.
 */
export async function pagerDutyRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  app.post(
    '/v2/enqueue',
    {
      schema: {
        tags: ['ingest'],
        summary: 'PagerDuty Events API v2 compatible endpoint',
        description: '`routing_key` is a warroom integration key; trigger, acknowledge and resolve are matched by `dedup_key`.',
        response: {
          202: z.object({ status: z.literal('success'), message: z.string(), dedup_key: z.string() }),
          400: pdError,
          404: pdError,
        },
      },
    },
    async (request, reply) => {
      const parsed = pagerDutyEventSchema.safeParse(request.body);
      if (!parsed.success) {
        ctx.metrics.ingestRejected.inc({ source: 'pagerduty', reason: 'invalid_payload' });
        const errors = describeZodError(parsed.error).map((i) => `${i.path}: ${i.message}`);
        return reply.status(400).send({ status: 'invalid event', message: 'Event object is invalid', errors });
      }
      const event = parsed.data;
      const now = ctx.clock.now();
      const service = await ctx.catalog.findByIntegrationKey(event.routing_key, now.getTime());
      if (!service) {
        ctx.metrics.ingestRejected.inc({ source: 'pagerduty', reason: 'unknown_key' });
        return reply.status(404).send({ status: 'invalid event', message: 'Unknown routing key', errors: ['routing_key: no service has this integration key'] });
      }
      const signal = normalizePagerDuty(event, now);
      const results = await ctx.pipeline.submit([{ service, signal }]);
      countOutcomes(ctx, 'pagerduty', results);
      return reply.status(202).send({ status: 'success' as const, message: 'Event processed', dedup_key: signal.fingerprint });
    },
  );
}
