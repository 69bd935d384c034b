import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app.js';
import { silentLogger, type Clock } from '../../src/kernel/index.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_TOKEN = 'test-admin-token-0001';
export const RESPONDER_TOKEN = 'test-responder-token-01';
export const VIEWER_TOKEN = 'test-viewer-token-00001';
export const CHECKOUT_KEY = 'key-checkout-0001';
export const DB_KEY = 'key-payments-db-01';

/** A small but complete config used by API and scenario tests. */
export const TEST_CONFIG = `
users:
  - { id: alice, name: Alice, email: alice@example.com, role: admin }
  - { id: bob, name: Bob, email: bob@example.com }
teams:
  - { id: payments, name: Payments, lead: alice, members: [alice, bob] }
services:
  - id: checkout
    name: Checkout
    owner: alice
    team: payments
    depends_on: [payments-db]
    integration_keys: [{ key: ${CHECKOUT_KEY} }]
    grouping: { group_by: [alertname, cluster], window: 5m }
    generic_mapping: { title: event.title, status: event.state, dedup_key: event.id, labels: event.tags, severity: event.level }
  - id: payments-db
    name: Payments DB
    owner: bob
    integration_keys: [{ key: ${DB_KEY} }]
api_tokens:
  - { name: admin, token: ${ADMIN_TOKEN}, role: admin, user: alice }
  - { name: responder, token: ${RESPONDER_TOKEN}, role: responder, user: bob }
  - { name: viewer, token: ${VIEWER_TOKEN}, role: viewer }
`;

export interface TestApp {
  app: RunningApp;
  db: TestDatabase;
  url: string;
  request(method: string, path: string, options?: { body?: unknown; token?: string | null; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

/** Starts the whole app (HTTP, ingest, worker) on a fresh database, listening on a random port. */
export async function startTestApp(options: { config?: string; clock?: Clock; worker?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'warroom-test-config-'));
  const configPath = join(dir, 'warroom.yaml');
  await writeFile(configPath, options.config ?? TEST_CONFIG);
  const app = await startApp({
    env: { DATABASE_URL: db.url, ...options.env },
    port: 0,
    host: '127.0.0.1',
    configPath,
    logger: silentLogger,
    clock: options.clock,
    worker: options.worker,
  });
  return {
    app,
    db,
    url: app.url,
    async request(method, path, { body, token = ADMIN_TOKEN, raw, headers = {} } = {}) {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed, text };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** An Alertmanager v4 webhook payload, shaped exactly as Alertmanager sends it. */
export function alertmanagerPayload(alerts: { labels: Record<string, string>; annotations?: Record<string, string>; status?: 'firing' | 'resolved'; fingerprint?: string }[]) {
  const status = alerts.every((a) => a.status === 'resolved') ? 'resolved' : 'firing';
  return {
    version: '4',
    groupKey: '{}:{alertname="x"}',
    truncatedAlerts: 0,
    status,
    receiver: 'warroom',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: '2026-01-05T09:00:00Z',
      endsAt: a.status === 'resolved' ? '2026-01-05T09:10:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}),
    })),
  };
}
