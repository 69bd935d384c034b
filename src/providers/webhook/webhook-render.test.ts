import { describe, expect, it } from 'vitest';
import type { MessageDoc } from '../api.js';
import { renderWebhookPayload } from './render.js';

const context = { recipientUserId: 'u-alice', idempotencyKey: 'notify:12:u-alice:webhook', sentAt: new Date('2026-01-05T09:00:00Z') };

describe('renderWebhookPayload', () => {
  it('renders a full page', () => {
    const doc: MessageDoc = {
      kind: 'page',
      title: 'Database primary unreachable',
      severity: 'P0',
      incidentRef: 'INC-12',
      incidentUrl: 'https://warroom.example/incidents/12',
      summary: 'Primary failed health checks for 3 minutes.',
      fields: [
        { label: 'Service', value: 'orders-db' },
        { label: 'Region', value: 'eu-west-1' },
      ],
      links: [{ label: 'Runbook', url: 'https://runbooks.example/orders-db' }],
      actions: [
        { id: 'ack', label: 'Acknowledge' },
        { id: 'view', label: 'Open', url: 'https://warroom.example/incidents/12?tab=timeline' },
      ],
      mentions: [{ kind: 'user', userId: 'u-alice', name: 'Alice', chatIds: {}, phone: null }, { kind: 'user', userId: 'u-bob', name: 'Bob', chatIds: {}, phone: null }],
      footer: 'Sent by warroom',
      replyHint: 'Reply 12a to ack',
    };
    expect(renderWebhookPayload(doc, context)).toMatchInlineSnapshot(`
      {
        "actions": [
          {
            "id": "ack",
            "label": "Acknowledge",
            "url": "https://warroom.example/incidents/12",
          },
          {
            "id": "view",
            "label": "Open",
            "url": "https://warroom.example/incidents/12?tab=timeline",
          },
        ],
        "event": "incident.page",
        "fields": [
          {
            "label": "Service",
            "value": "orders-db",
          },
          {
            "label": "Region",
            "value": "eu-west-1",
          },
        ],
        "idempotency_key": "notify:12:u-alice:webhook",
        "incident_ref": "INC-12",
        "incident_url": "https://warroom.example/incidents/12",
        "links": [
          {
            "label": "Runbook",
            "url": "https://runbooks.example/orders-db",
          },
        ],
        "mentions": [
          "u-alice",
          "u-bob",
        ],
        "recipient": {
          "user_id": "u-alice",
        },
        "sent_at": "2026-01-05T09:00:00.000Z",
        "severity": "P0",
        "summary": "Primary failed health checks for 3 minutes.",
        "title": "Database primary unreachable",
        "version": 1,
      }
    `);
  });

  it('renders a minimal resolution with nulls for what is absent', () => {
    const doc: MessageDoc = { kind: 'resolved', title: 'Disk full', severity: 'P3', fields: [], links: [], actions: [{ id: 'view', label: 'View' }], mentions: [] };
    expect(renderWebhookPayload(doc, context)).toMatchInlineSnapshot(`
      {
        "actions": [
          {
            "id": "view",
            "label": "View",
            "url": null,
          },
        ],
        "event": "incident.resolved",
        "fields": [],
        "idempotency_key": "notify:12:u-alice:webhook",
        "incident_ref": null,
        "incident_url": null,
        "links": [],
        "mentions": [],
        "recipient": {
          "user_id": "u-alice",
        },
        "sent_at": "2026-01-05T09:00:00.000Z",
        "severity": "P3",
        "summary": null,
        "title": "Disk full",
        "version": 1,
      }
    `);
  });
});
