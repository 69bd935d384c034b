import { fingerprintText } from '../../kernel/index.js';
import type { GrafanaLegacyWebhook } from '../../contracts/index.js';
import { truncate, type AlertSignal } from './alert-signal.js';

/**
 * Grafana's legacy dashboard alerts carry no fingerprint: the rule identifies the alert.
 * "paused" and "pending" are not alert events and produce nothing.
 */
export function normalizeGrafanaLegacy(payload: GrafanaLegacyWebhook, receivedAt: Date): AlertSignal[] {
  if (payload.state === 'paused' || payload.state === 'pending') return [];
  const labels: Record<string, string> = { alertname: payload.ruleName, ...(payload.tags ?? {}) };
  if (payload.state === 'no_data') labels.no_data = 'true';
  const annotations: Record<string, string> = {};
  if (payload.ruleUrl) annotations.rule_url = payload.ruleUrl;
  if (payload.imageUrl) annotations.image_url = payload.imageUrl;
  for (const match of payload.evalMatches ?? []) annotations[`value:${match.metric}`] = String(match.value);
  const resolved = payload.state === 'ok';
  return [
    {
      source: 'grafana',
      action: resolved ? 'resolve' : 'trigger',
      fingerprint: fingerprintText(`grafana-legacy:${payload.orgId ?? 1}:${payload.ruleId ?? payload.ruleName}`),
      title: truncate(payload.title, 512),
      description: payload.message ?? null,
      labels,
      annotations,
      sourceSeverity: payload.tags?.severity ?? null,
      startsAt: receivedAt,
      endsAt: resolved ? receivedAt : null,
      generatorUrl: payload.ruleUrl ?? null,
    },
  ];
}
