import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  alertsReceived: Counter<'source' | 'outcome'>;
  ingestRejected: Counter<'source' | 'reason'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/** One registry per app instance, so tests can run several apps in one process. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'warroom_process_' });
  return {
    registry,
    alertsReceived: new Counter({
      name: 'warroom_alerts_received_total',
      help: 'Alert events ingested, by source and outcome (created, deduplicated, resolved, acknowledged, ignored).',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
    ingestRejected: new Counter({
      name: 'warroom_ingest_rejected_total',
      help: 'Webhook requests rejected before ingestion, by source and reason.',
      labelNames: ['source', 'reason'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'warroom_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
