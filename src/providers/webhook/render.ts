import type { MessageDoc } from '../api.js';

/** The JSON document an outgoing webhook receives. Version it: receivers parse this, not our types. */
export interface WebhookPayload {
  version: 1;
  event: `incident.${MessageDoc['kind']}`;
  incident_ref: string | null;
  incident_url: string | null;
  title: string;
  severity: MessageDoc['severity'];
  summary: string | null;
  fields: { label: string; value: string }[];
  links: { label: string; url: string }[];
  actions: { id: string; label: string; url: string | null }[];
  mentions: string[];
  recipient: { user_id: string };
  /** Also sent as X-Warroom-Idempotency-Key; inside the body it is covered by the signature. */
  idempotency_key: string;
  sent_at: string;
}

export interface WebhookRenderContext {
  recipientUserId: string;
  idempotencyKey: string;
  sentAt: Date;
}

/** Pure: MessageDoc → webhook JSON. Absent optionals become null so receivers see a stable shape. */
export function renderWebhookPayload(doc: MessageDoc, context: WebhookRenderContext): WebhookPayload {
  return {
    version: 1,
    event: `incident.${doc.kind}`,
    incident_ref: doc.incidentRef ?? null,
    incident_url: doc.incidentUrl ?? null,
    title: doc.title,
    severity: doc.severity,
    summary: doc.summary ?? null,
    fields: doc.fields.map(({ label, value }) => ({ label, value })),
    links: doc.links.map(({ label, url }) => ({ label, url })),
    actions: doc.actions.map(({ id, label, url }) => ({ id, label, url: url ?? doc.incidentUrl ?? null })),
    mentions: doc.mentions.map((m) => (m.kind === 'all' ? '@all' : m.userId)),
    recipient: { user_id: context.recipientUserId },
    idempotency_key: context.idempotencyKey,
    sent_at: context.sentAt.toISOString(),
  };
}
