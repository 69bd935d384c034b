import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, RESPONDER_TOKEN, TEST_CONFIG, VIEWER_TOKEN } from '../../test/helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { withTx, type Db } from '../db/database.js';
import * as followupMigration from '../db/migrations/0006-action-items-decisions.js';
import { applyConfig, parseConfigText } from '../config/index.js';
import { FakeClock, silentLogger } from '../kernel/index.js';
import { TokenAuthenticator } from '../domain/access/index.js';
import { actionItemJobKey } from '../domain/followups/index.js';
import { declareIncident, systemActor } from '../domain/incidents/index.js';
import { pendingJobs } from '../queue/index.js';
import type { HttpContext } from './app-context.js';
import { installErrorHandler } from './error-handler.js';
import { followupRoutes } from './followup-routes.js';

let t: TestDatabase;
let app: FastifyInstance;
const clock = new FakeClock('2026-11-23T10:00:00Z');
const H = 3_600_000;

async function ensureFollowupTables(db: Db): Promise<void> {
  const found = await sql<{ t: string | null }>`select to_regclass('action_items')::text as t`.execute(db);
  if (!found.rows[0]?.t) await followupMigration.up(db as never);
}

/** The routes on their own server (until src/http/server.ts registers them), with the real auth and error handling. */
beforeAll(async () => {
  t = await createTestDatabase();
  await ensureFollowupTables(t.db);
  await applyConfig(t.db, parseConfigText(TEST_CONFIG, 'test.yaml', {}), { dryRun: false, actor: 'test', now: clock.now() });
  const ctx = { db: t.db, clock, logger: silentLogger, tokens: new TokenAuthenticator(t.db) } as unknown as HttpContext;
  app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(swagger, { openapi: { info: { title: 'test', version: '1' }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } }, transform: jsonSchemaTransform });
  await app.register(async (scope) => followupRoutes(scope, ctx));
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function call(method: 'GET' | 'POST' | 'PATCH', url: string, options: { body?: unknown; token?: string | null } = {}) {
  const token = options.token === undefined ? RESPONDER_TOKEN : options.token;
  const response = await app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  const type = String(response.headers['content-type'] ?? '');
  return { status: response.statusCode, type, text: response.body, body: type.includes('json') ? response.json() : null };
}

const declare = (title: string, serviceId?: string) =>
  withTx(t.db, (tx) => declareIncident(tx, { title, severity: 'P1', category: 'application', impact: 'few_users', serviceId }, { now: clock.now(), actor: systemActor, autoCloseAfterMs: 1 }));

describe('auth', () => {
  it.each([
    ['no token', 'GET', 401, null],
    ['a viewer', 'GET', 200, VIEWER_TOKEN],
    ['a viewer', 'POST', 403, VIEWER_TOKEN],
    ['a responder', 'POST', 201, RESPONDER_TOKEN],
  ] as const)('%s: %s → %i', async (_name, method, status, token) => {
    const incident = await declare('auth');
    const reply = await call(method, `/api/v1/incidents/${incident.id}/action-items`, { token, body: method === 'POST' ? { title: 'x' } : undefined });
    expect(reply.status).toBe(status);
  });

  it('the document needs a token but only the viewer role', async () => {
    const incident = await declare('doc auth');
    expect((await call('GET', `/api/v1/incidents/${incident.id}/document`, { token: null })).status).toBe(401);
    expect((await call('GET', `/api/v1/incidents/${incident.id}/document`, { token: VIEWER_TOKEN })).status).toBe(200);
  });
});

describe('action items', () => {
  it('creates one for INC-n with the default assignee and a reminder job, and lists it', async () => {
    const incident = await declare('Checkout 5xx', 'checkout');
    const created = await call('POST', `/api/v1/incidents/INC-${incident.number}/action-items`, { body: { title: 'add pool alerts', source: 'ui' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ incident_id: incident.id, title: 'add pool alerts', assignee_user_id: 'alice', assignee_name: 'Alice', assigned_by: 'service_owner', status: 'open', created_by: 'user:bob', source: 'ui', due_at: new Date(clock.now().getTime() + 2 * H).toISOString() });
    const jobs = await pendingJobs(t.db, actionItemJobKey(created.body.id));
    expect(jobs.map((j) => j.runAt.toISOString())).toEqual([new Date(clock.now().getTime() + 1.5 * H).toISOString()]);

    const list = await call('GET', `/api/v1/incidents/${incident.id}/action-items?status=open`, { token: VIEWER_TOKEN });
    expect(list.body.items.map((i: any) => i.id)).toEqual([created.body.id]);
    expect((await call('GET', `/api/v1/incidents/${incident.id}/action-items?status=done`)).body.items).toEqual([]);
  });

  it.each([
    ['an empty title', { title: '' }, /body\.title/],
    ['a due time without an offset', { title: 'x', due_at: '2026-11-24 10:00' }, /body\.due_at/],
    ['a due time in the past', { title: 'x', due_at: '2026-11-22T10:00:00Z' }, /not in the future/],
    ['an unknown assignee', { title: 'x', assignee_user_id: 'zed' }, /zed/],
    ['a source of chat', { title: 'x', source: 'chat' }, /body\.source/],
    ['a blank title', { title: '   ' }, /title/],
  ])('answers 400 for %s', async (_name, body, message) => {
    const incident = await declare('validation');
    const reply = await call('POST', `/api/v1/incidents/${incident.id}/action-items`, { body });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(message);
  });

  it('answers 404 for an unknown incident', async () => {
    const reply = await call('POST', '/api/v1/incidents/INC-987654/action-items', { body: { title: 'x' } });
    expect([reply.status, reply.body.error]).toEqual([404, 'not_found']);
    expect((await call('GET', '/api/v1/incidents/INC-987654/action-items')).status).toBe(404);
  });

  it('completes and cancels with 409 once closed, 404 for an unknown id and 400 for a malformed one', async () => {
    const incident = await declare('lifecycle');
    const a = (await call('POST', `/api/v1/incidents/${incident.id}/action-items`, { body: { title: 'a', assignee_user_id: 'bob' } })).body;
    const b = (await call('POST', `/api/v1/incidents/${incident.id}/action-items`, { body: { title: 'b', assignee_user_id: null } })).body;
    expect(b.assignee_user_id).toBeNull();

    const done = await call('POST', `/api/v1/action-items/${a.id}/complete`, { body: { note: 'shipped' } });
    expect([done.status, done.body.status, done.body.done_at]).toEqual([200, 'done', clock.now().toISOString()]);
    expect(await pendingJobs(t.db, actionItemJobKey(a.id))).toEqual([]);
    const again = await call('POST', `/api/v1/action-items/${a.id}/complete`);
    expect([again.status, again.body.error]).toEqual([409, 'conflict']);

    const cancelled = await call('POST', `/api/v1/action-items/${b.id}/cancel`);
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);
    expect((await call('POST', `/api/v1/action-items/${b.id}/complete`)).status).toBe(409);

    expect((await call('POST', '/api/v1/action-items/00000000-0000-4000-8000-000000000000/complete')).status).toBe(404);
    const malformed = await call('POST', '/api/v1/action-items/42/cancel');
    expect([malformed.status, malformed.body.message]).toEqual([400, expect.stringMatching(/params\.id/)]);
  });

  it('PATCH changes title, assignee and due time, and refuses an empty change', async () => {
    const incident = await declare('patch');
    const item = (await call('POST', `/api/v1/incidents/${incident.id}/action-items`, { body: { title: 'old' } })).body;
    const due = new Date(clock.now().getTime() + 10 * H).toISOString();
    const patched = await call('PATCH', `/api/v1/action-items/${item.id}`, { body: { title: 'new', assignee_user_id: 'bob', due_at: due } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'new', assignee_user_id: 'bob', assignee_name: 'Bob', due_at: due });
    expect((await pendingJobs(t.db, actionItemJobKey(item.id))).map((j) => j.runAt.toISOString())).toEqual([new Date(clock.now().getTime() + 7.5 * H).toISOString()]);

    const empty = await call('PATCH', `/api/v1/action-items/${item.id}`, { body: {} });
    expect([empty.status, empty.body.message]).toEqual([400, expect.stringContaining('change at least one')]);
    expect((await call('PATCH', `/api/v1/action-items/${item.id}`, { token: VIEWER_TOKEN, body: { title: 'v' } })).status).toBe(403);
  });
});

describe('decisions', () => {
  it('records and lists decisions; a viewer cannot record', async () => {
    const incident = await declare('decisions');
    const posted = await call('POST', `/api/v1/incidents/INC-${incident.number}/decisions`, { token: ADMIN_TOKEN, body: { summary: '回滚到 v1.2', rationale: 'v1.3 的连接池配置错误', alternatives: ['扩容数据库', '关闭新功能'] } });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ incident_id: incident.id, decided_by: 'user:alice', summary: '回滚到 v1.2', alternatives: ['扩容数据库', '关闭新功能'], source: 'api' });
    const listed = await call('GET', `/api/v1/incidents/${incident.id}/decisions`, { token: VIEWER_TOKEN });
    expect(listed.body.items).toEqual([posted.body]);
    expect((await call('POST', `/api/v1/incidents/${incident.id}/decisions`, { token: VIEWER_TOKEN, body: { summary: 'x' } })).status).toBe(403);
    const invalid = await call('POST', `/api/v1/incidents/${incident.id}/decisions`, { body: { summary: '' } });
    expect([invalid.status, invalid.body.message]).toEqual([400, expect.stringMatching(/body\.summary/)]);
  });
});

describe('incident document', () => {
  it('is markdown with the template sections, the items and decisions, escaped user text, in the asked zone', async () => {
    const incident = await declare('Pay *fails* | 50%', 'checkout');
    await call('POST', `/api/v1/incidents/${incident.id}/decisions`, { body: { summary: 'Roll back', rationale: 'fastest' } });
    await call('POST', `/api/v1/incidents/${incident.id}/action-items`, { body: { title: 'Raise pool_limit', assignee_user_id: 'bob' } });

    const doc = await call('GET', `/api/v1/incidents/INC-${incident.number}/document?tz=Asia/Shanghai`, { token: VIEWER_TOKEN });
    expect(doc.status).toBe(200);
    expect(doc.type).toBe('text/markdown; charset=utf-8');
    expect(doc.text.startsWith(`# 事件报告 Incident report INC-${incident.number}: Pay \\*fails\\* \\| 50%\n`)).toBe(true);
    for (const heading of ['基本信息 Basic info', '时间线 Timeline', '影响 Impact', '根因 Root cause', '解决方案 Resolution', '决策 Decisions', '后续行动 Follow-ups', '经验教训 Lessons learned']) {
      expect(doc.text).toContain(`\n## ${heading}\n`);
    }
    expect(doc.text).toContain('- **服务 Service**: Checkout (checkout)');
    expect(doc.text).toContain('- **开始 Started**: 2026-11-23 18:00');
    expect(doc.text).toContain('** Roll back — Bob');
    expect(doc.text).toContain('| Raise pool\\_limit | Bob | 2026-11-23 20:00 | 进行中 open |');
    expect(doc.text).toContain('Asia/Shanghai, UTC+08:00');
  });

  it('defaults to UTC for a token without a user, and refuses an unknown zone or incident', async () => {
    const incident = await declare('zones');
    expect((await call('GET', `/api/v1/incidents/${incident.id}/document`, { token: VIEWER_TOKEN })).text).toContain('- **开始 Started**: 2026-11-23 10:00');
    const bad = await call('GET', `/api/v1/incidents/${incident.id}/document?tz=Mars/Base`);
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('querystring.tz')]);
    expect((await call('GET', '/api/v1/incidents/INC-777777/document')).status).toBe(404);
  });

  it('appears in the OpenAPI document', () => {
    const spec = app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining([
      '/api/v1/incidents/{id}/action-items', '/api/v1/action-items/{id}/complete', '/api/v1/action-items/{id}/cancel',
      '/api/v1/action-items/{id}', '/api/v1/incidents/{id}/decisions', '/api/v1/incidents/{id}/document',
    ]));
  });
});
