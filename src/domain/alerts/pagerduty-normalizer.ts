import { randomBytes } from 'node:crypto';
import type { PagerDutyEvent } from '../../contracts/index.js';
import { parseSenderTime, type AlertSignal } from './alert-signal.js';

/** Maps a PagerDuty Events v2 event. A trigger without dedup_key gets one, as PagerDuty does. */
export function normalizePagerDuty(event: PagerDutyEvent, receivedAt: Date): AlertSignal {
  const dedupKey = event.dedup_key ?? randomBytes(16).toString('hex');
  const payload = event.payload;
  const labels: Record<string, string> = {};
  if (payload) {
    labels.source = payload.source;
    labels.severity = payload.severity;
    if (payload.component) labels.component = payload.component;
    if (payload.group) labels.group = payload.group;
    if (payload.class) labels.class = payload.class;
  }
  const annotations: Record<string, string> = { dedup_key: dedupKey };
  const details = payload?.custom_details;
  if (details && typeof details === 'object') {
    for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
      annotations[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  } else if (details !== undefined) {
    annotations.details = typeof details === 'string' ? details : JSON.stringify(details);
  }
  event.links?.forEach((link, index) => (annotations[`link:${link.text ?? index}`] = link.href));
  if (event.client_url) annotations.client_url = event.client_url;
  return {
    source: 'pagerduty',
    action: event.event_action,
    fingerprint: dedupKey,
    title: payload?.summary ?? `${event.event_action} ${dedupKey}`,
    description: null,
    labels,
    annotations,
    sourceSeverity: payload?.severity ?? null,
    startsAt: parseSenderTime(payload?.timestamp) ?? receivedAt,
    endsAt: event.event_action === 'resolve' ? receivedAt : null,
    generatorUrl: event.client_url ?? null,
  };
}
