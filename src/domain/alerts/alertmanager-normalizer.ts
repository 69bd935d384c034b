import { fingerprintLabels } from '../../kernel/index.js';
import type { AlertmanagerWebhook, GrafanaUnifiedWebhook } from '../../contracts/index.js';
import { parseSenderTime, truncate, type AlertSignal, type AlertSource } from './alert-signal.js';

type PrometheusStyleAlert = AlertmanagerWebhook['alerts'][number] & {
  dashboardURL?: string;
  panelURL?: string;
  silenceURL?: string;
  valueString?: string;
};

/** Alertmanager and Grafana unified alerting share this shape; Grafana adds a few URLs. */
export function normalizePrometheusStyle(
  payload: AlertmanagerWebhook | GrafanaUnifiedWebhook,
  source: AlertSource,
  receivedAt: Date,
): AlertSignal[] {
  return payload.alerts.map((raw) => {
    const alert = raw as PrometheusStyleAlert;
    const labels = { ...payload.commonLabels, ...alert.labels };
    const annotations = { ...payload.commonAnnotations, ...alert.annotations };
    for (const [from, to] of [
      ['dashboardURL', 'dashboard_url'],
      ['panelURL', 'panel_url'],
      ['silenceURL', 'silence_url'],
      ['valueString', 'value_string'],
    ] as const) {
      const value = alert[from];
      if (value) annotations[to] = value;
    }
    const name = labels.alertname ?? 'Alert';
    const summary = annotations.summary ?? annotations.title;
    const resolved = alert.status === 'resolved';
    return {
      source,
      action: resolved ? 'resolve' : 'trigger',
      // Alertmanager's fingerprint is a hash of the labels, the same one it dedups with.
      fingerprint: alert.fingerprint || fingerprintLabels(alert.labels),
      title: truncate(summary ? `${name}: ${summary}` : name, 512),
      description: annotations.description ?? annotations.message ?? null,
      labels,
      annotations,
      sourceSeverity: labels.severity ?? labels.priority ?? null,
      startsAt: parseSenderTime(alert.startsAt) ?? receivedAt,
      endsAt: resolved ? (parseSenderTime(alert.endsAt) ?? receivedAt) : null,
      generatorUrl: alert.generatorURL || null,
    };
  });
}
