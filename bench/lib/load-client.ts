import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { loadRuleCatalogue } from './alert-catalogue.js';
import { requestFor, type LoadPlan } from './load-plan.js';

export interface LoadResult {
  name: string;
  requests: number;
  failedRequests: number;
  /** Alerts in requests that got their expected status. */
  alerts: number;
  durationMs: number;
  /** Per successful request, in ms. */
  latenciesMs: Float64Array;
  /** Outcomes reported by the server (created, deduplicated…), or "accepted" for PagerDuty's 202. */
  outcomes: Record<string, number>;
  /** A few distinct failure descriptions, for the report. */
  failures: string[];
}

interface Reply {
  status: number;
  text: string;
}

/**
 * Drives one scenario: `concurrency` lanes each send a request and wait for its reply, until the
 * plan's request count or duration runs out. Only 127.0.0.1 is ever targeted.
 */
export async function runLoad(baseUrl: string, plan: LoadPlan): Promise<LoadResult> {
  const target = new URL(baseUrl);
  if (target.hostname !== '127.0.0.1') throw new Error(`the bench only targets 127.0.0.1, not ${target.hostname}`);
  const rules = await loadRuleCatalogue(plan.rulesPath);
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const latencies = new Float64Array(plan.maxRequests);
  const outcomes: Record<string, number> = {};
  const failures = new Set<string>();
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  let alerts = 0;
  const started = performance.now();
  const stopIssuingAt = started + plan.durationMs;
  const giveUpAt = stopIssuingAt + plan.graceMs;

  const lane = async () => {
    while (next < plan.maxRequests && performance.now() < stopIssuingAt) {
      const request = requestFor(plan, rules, next++);
      const sentAt = performance.now();
      try {
        const reply = await post(agent, target, request.path, request.body, Math.max(1, giveUpAt - sentAt));
        if (reply.status !== request.expectStatus) throw new Error(`HTTP ${reply.status}: ${reply.text.slice(0, 200)}`);
        latencies[succeeded++] = performance.now() - sentAt;
        alerts += request.alerts;
        tallyOutcomes(reply, outcomes);
      } catch (error) {
        failed += 1;
        if (failures.size < 5) failures.add((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, lane));
  const durationMs = performance.now() - started;
  agent.destroy();
  return {
    name: plan.name,
    requests: succeeded + failed,
    failedRequests: failed,
    alerts,
    durationMs,
    latenciesMs: latencies.slice(0, succeeded),
    outcomes,
    failures: [...failures],
  };
}

function post(agent: http.Agent, target: URL, path: string, body: string, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no reply within ${Math.round(timeoutMs)} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

function tallyOutcomes(reply: Reply, outcomes: Record<string, number>): void {
  if (reply.status === 202) {
    outcomes.accepted = (outcomes.accepted ?? 0) + 1;
    return;
  }
  const parsed = JSON.parse(reply.text) as { results?: { outcome: string }[] };
  for (const result of parsed.results ?? []) outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
}
