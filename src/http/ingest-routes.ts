import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  alertmanagerWebhookSchema,
  describeZodError,
  genericWebhookSchema,
  grafanaLegacySchema,
  grafanaUnifiedSchema,
} from '../contracts/index.js';
import { ValidationError } from '../kernel/index.js';
import {
  normalizeGeneric,
  normalizeGrafanaLegacy,
  normalizePrometheusStyle,
  type AlertSignal,
  type AlertSource,
  type IngestResult,
} from '../domain/alerts/index.js';
import type { ServiceRef } from '../domain/services/index.js';
import type { HttpContext } from './app-context.js';

type Normalizer = (body: unknown, service: ServiceRef, receivedAt: Date) => AlertSignal[];

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = describeZodError(parsed.error);
  throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

const NORMALIZERS: Record<Exclude<AlertSource, 'pagerduty'>, Normalizer> = {
  alertmanager: (body, _service, at) => normalizePrometheusStyle(parseWith(alertmanagerWebhookSchema, body), 'alertmanager', at),
  grafana: (body, _service, at) => {
    // Unified alerting sends an "alerts" array; legacy dashboard alerts send ruleName and state.
    if (body && typeof body === 'object' && 'alerts' in body) {
      return normalizePrometheusStyle(parseWith(grafanaUnifiedSchema, body), 'grafana', at);
    }
    return normalizeGrafanaLegacy(parseWith(grafanaLegacySchema, body), at);
  },
  generic: (body, service, at) => normalizeGeneric(parseWith(genericWebhookSchema, body), service.genericMapping, at),
};

const paramsSchema = z.object({ key: z.string().min(1).max(256) });

export const ingestReplySchema = z.object({
  status: z.literal('ok'),
  received: z.number(),
  results: z.array(
    z.object({
      fingerprint: z.string(),
      outcome: z.enum(['created', 'deduplicated', 'resolved', 'acknowledged', 'ignored']),
      incident: z.string().nullable(),
      reason: z.string(),
    }),
  ),
});

/** Webhook receivers, each authenticated by a service's integration key in the URL. */
export async function ingestRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  for (const [source, normalize] of Object.entries(NORMALIZERS) as [keyof typeof NORMALIZERS, Normalizer][]) {
    app.post(
      `/api/v1/integrations/${source}/:key`,
      {
        schema: {
          tags: ['ingest'],
          summary: `Receive ${source} alerts`,
          description: 'Authenticated by the integration key in the path. Bad JSON or a wrong shape answers 400 naming the field; an unknown key 404; a body over 1 MiB 413.',
          params: paramsSchema,
          response: { 200: ingestReplySchema },
        },
      },
      async (request, reply) => {
        const { key } = request.params as z.infer<typeof paramsSchema>;
        const now = ctx.clock.now();
        const service = await ctx.catalog.findByIntegrationKey(key, now.getTime());
        if (!service) return rejectUnknownKey(ctx, reply, source);
        let signals: AlertSignal[];
        try {
          signals = normalize(request.body, service, now);
        } catch (error) {
          ctx.metrics.ingestRejected.inc({ source, reason: 'invalid_payload' });
          throw error;
        }
        const results = await ctx.pipeline.submit(signals.map((signal) => ({ service, signal })));
        countOutcomes(ctx, source, results);
        return reply.send({
          status: 'ok' as const,
          received: signals.length,
          results: results.map((r) => ({ fingerprint: r.fingerprint, outcome: r.outcome, incident: r.incidentRef, reason: r.reason })),
        });
      },
    );
  }
}

export function rejectUnknownKey(ctx: HttpContext, reply: FastifyReply, source: string) {
  ctx.metrics.ingestRejected.inc({ source, reason: 'unknown_key' });
  return reply.status(404).send({ error: 'unknown_integration_key', message: 'no service has this integration key' });
}

export function countOutcomes(ctx: HttpContext, source: string, results: IngestResult[]): void {
  for (const result of results) ctx.metrics.alertsReceived.inc({ source, outcome: result.outcome });
}
