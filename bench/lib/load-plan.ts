import { alertAt, alertFor, hostName, type CatalogueRule } from './alert-catalogue.js';
import { alertmanagerNotification, pagerDutyTrigger } from './payloads.js';

export type ScenarioKind = 'alertmanager-single' | 'alertmanager-batch' | 'pagerduty' | 'alertmanager-repeat';

/** Everything the load thread needs to produce a scenario's requests; plain data, so it crosses threads. */
export interface LoadPlan {
  name: string;
  kind: ScenarioKind;
  /** Requests kept in flight at once. */
  concurrency: number;
  /** The scenario ends at whichever comes first: this many requests or durationMs. */
  maxRequests: number;
  durationMs: number;
  /** How long replies still in flight after durationMs are awaited; later ones count as errors. */
  graceMs: number;
  /** Alerts per request (alertmanager-batch only; the others send one). */
  batchSize: number;
  /** Host-name prefix that keeps each scenario's alerts distinct from the others'. */
  fleet: string;
  /** alertmanager-repeat: re-sends the first replayCount alerts of `fleet`, over and over. */
  replayCount: number;
  integrationKey: string;
  groupBy: string[];
  startsAt: string;
  rulesPath: string;
}

export interface BenchRequest {
  path: string;
  body: string;
  alerts: number;
  expectStatus: number;
}

/** The n-th request of a plan. Deterministic, so a later scenario can replay an earlier one's alerts. */
export function requestFor(plan: LoadPlan, rules: CatalogueRule[], n: number): BenchRequest {
  const alertmanagerPath = `/api/v1/integrations/alertmanager/${encodeURIComponent(plan.integrationKey)}`;
  const alertmanager = (alerts: ReturnType<typeof alertAt>[]): BenchRequest => ({
    path: alertmanagerPath,
    body: JSON.stringify(alertmanagerNotification(alerts, plan.groupBy, plan.startsAt)),
    alerts: alerts.length,
    expectStatus: 200,
  });
  switch (plan.kind) {
    case 'alertmanager-single':
      return alertmanager([alertAt(rules, n, plan.fleet)]);
    case 'alertmanager-repeat':
      return alertmanager([alertAt(rules, n % plan.replayCount, plan.fleet)]);
    case 'alertmanager-batch': {
      // One Alertmanager group: a rule firing on batchSize hosts at once.
      const rule = rules[n % rules.length]!;
      const firstHost = Math.floor(n / rules.length) * plan.batchSize;
      return alertmanager(Array.from({ length: plan.batchSize }, (_, i) => alertFor(rule, hostName(plan.fleet, firstHost + i))));
    }
    case 'pagerduty':
      return {
        path: '/v2/enqueue',
        body: JSON.stringify(pagerDutyTrigger(plan.integrationKey, alertAt(rules, n, plan.fleet), `${plan.fleet}-${n}`)),
        alerts: 1,
        expectStatus: 202,
      };
  }
}
