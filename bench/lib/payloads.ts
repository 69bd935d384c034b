import type { BenchAlert } from './alert-catalogue.js';

/** An Alertmanager v4 webhook notification for one group, as Alertmanager sends it. */
export function alertmanagerNotification(alerts: BenchAlert[], groupBy: string[], startsAt: string) {
  const first = alerts[0]!;
  const commonLabels = commonEntries(alerts.map((a) => a.labels));
  const groupLabels = Object.fromEntries(groupBy.filter((name) => first.labels[name] !== undefined).map((name) => [name, first.labels[name]!]));
  return {
    version: '4',
    groupKey: `{}:{${Object.entries(groupLabels).map(([k, v]) => `${k}="${v}"`).join(',')}}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'warroom',
    groupLabels,
    commonLabels,
    commonAnnotations: commonEntries(alerts.map((a) => a.annotations)),
    externalURL: 'http://alertmanager.prod.example.internal:9093',
    alerts: alerts.map((alert) => ({
      status: 'firing',
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus.prod.example.internal:9090/graph?g0.expr=ALERTS%7Balertname%3D%22${alert.labels.alertname}%22%7D`,
    })),
  };
}

/** A PagerDuty Events API v2 trigger. */
export function pagerDutyTrigger(routingKey: string, alert: BenchAlert, dedupKey: string) {
  const severity = alert.labels.severity;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: alert.annotations.summary ?? alert.labels.alertname ?? 'alert',
      source: alert.labels.instance ?? 'unknown',
      severity: severity === 'critical' || severity === 'warning' || severity === 'info' ? severity : 'error',
      component: alert.labels.service,
      class: alert.labels.alertname,
      custom_details: { description: alert.annotations.description, job: alert.labels.job },
    },
  };
}

function commonEntries(maps: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([key, value]) => rest.every((map) => map[key] === value)));
}
