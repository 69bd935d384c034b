import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/test-database.js';
import { hashSecret, silentLogger, type Clock } from '../kernel/index.js';
import { TokenAuthenticator } from '../domain/access/index.js';
import { upsertArticle } from '../domain/knowledge/index.js';
import { ensureKnowledgeSchema, FIXTURE_ARTICLES } from '../domain/knowledge/kb-fixtures.js';
import type { HttpContext } from './app-context.js';
import { installErrorHandler } from './error-handler.js';
import { knowledgeRoutes } from './knowledge-routes.js';

const TOKENS = { viewer: 'kb-viewer-token-0001', responder: 'kb-responder-token-01', admin: 'kb-admin-token-00001' } as const;
const NOW = new Date('2026-03-02T08:00:00Z');

let t: TestDatabase;
let app: FastifyInstance;

/** The knowledge routes alone, with the server's validators, error handler and OpenAPI, on a fresh database. */
beforeAll(async () => {
  t = await createTestDatabase();
  await ensureKnowledgeSchema(t.db);
  await t.db.insertInto('users').values({ id: 'bob', name: 'Bob', timezone: 'UTC', role: 'responder', chat_ids: '{}', managed_by: 'config' }).execute();
  await t.db.insertInto('services').values([
    { id: 'order-service', name: 'Orders', impact: 'few_users', links: '{}', auto_resolve: true, grouping: 'null', generic_mapping: 'null', managed_by: 'config' },
    { id: 'payments', name: 'Payments', impact: 'few_users', links: '{}', auto_resolve: true, grouping: 'null', generic_mapping: 'null', managed_by: 'config' },
  ]).execute();
  await t.db.insertInto('api_tokens').values(
    (Object.entries(TOKENS) as [keyof typeof TOKENS, string][]).map(([role, token]) => ({
      name: role, role, user_id: role === 'responder' ? 'bob' : null, token_hash: hashSecret(token), token_hint: token.slice(0, 4), managed_by: 'config' as const,
    })),
  ).execute();
  for (const article of FIXTURE_ARTICLES) await upsertArticle(t.db, article, { managedBy: 'config', now: NOW });

  const clock: Clock = { now: () => NOW } as Clock;
  const ctx = { db: t.db, clock, logger: silentLogger, tokens: new TokenAuthenticator(t.db) } as unknown as HttpContext;
  app = Fastify({ ajv: { customOptions: { coerceTypes: false } } });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(swagger, { openapi: { info: { title: 'test', version: '1' }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } }, transform: jsonSchemaTransform });
  await app.register(async (scope) => knowledgeRoutes(scope, ctx));
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

const call = async (method: 'GET' | 'PUT' | 'DELETE', url: string, options: { token?: string | null; body?: unknown } = {}) => {
  const token = options.token === undefined ? TOKENS.viewer : options.token;
  const reply = await app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(options.body === undefined ? {} : { payload: options.body as object }) });
  return { status: reply.statusCode, body: reply.body ? reply.json() : null };
};

const ARTICLE = { title: 'Redis 连接池耗尽 on payments', body: '## 排查\n`INFO clients`', tags: ['redis'], service_ids: ['payments'], category: 'data', url: 'https://wiki.example.com/redis' };

describe('knowledge routes', () => {
  it('needs a token; a viewer may read but not write', async () => {
    expect((await call('GET', '/api/v1/knowledge', { token: null })).status).toBe(401);
    expect((await call('GET', '/api/v1/knowledge', { token: 'not-a-token-at-all' })).status).toBe(401);
    const denied = await call('PUT', '/api/v1/knowledge/redis-pool', { body: ARTICLE });
    expect(denied).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await call('DELETE', '/api/v1/knowledge/disk-full')).status).toBe(403);
  });

  it('searches with ?q=, in Chinese, with score and why, boosted by ?service=', async () => {
    const reply = await call('GET', `/api/v1/knowledge?q=${encodeURIComponent('订单服务数据库连接池耗尽')}&service=order-service`);
    expect(reply.status).toBe(200);
    expect(reply.body.items[0]).toEqual({
      id: 'mysql-connection-pool-exhausted', title: '数据库连接池耗尽的排查', url: 'https://wiki.example.com/ops/mysql-pool',
      score: expect.any(Number), why: 'title matches 数据库, 连接池, 耗尽; same service',
    });
    expect((await call('GET', `/api/v1/knowledge?q=${encodeURIComponent('会议室打印机卡纸')}`)).body).toEqual({ items: [] });
    expect((await call('GET', `/api/v1/knowledge?q=${encodeURIComponent('连接池')}&limit=1`)).body.items).toHaveLength(1);
  });

  it('lists articles without ?q=, filtered by service and category', async () => {
    const all = await call('GET', '/api/v1/knowledge');
    expect(all.body.items).toHaveLength(FIXTURE_ARTICLES.length);
    expect(all.body.items[0]).not.toHaveProperty('body');
    const byService = await call('GET', '/api/v1/knowledge?service=checkout');
    expect(byService.body.items.map((a: { id: string }) => a.id)).toEqual(['5xx-after-deploy']);
    const byCategory = await call('GET', '/api/v1/knowledge?category=security');
    expect(byCategory.body.items).toEqual([expect.objectContaining({ id: 'certificate-expiry', managed_by: 'config', category: 'security' })]);
  });

  it('shows one article with its markdown, 404 for an unknown one', async () => {
    const reply = await call('GET', '/api/v1/knowledge/disk-full');
    expect(reply.body).toMatchObject({ id: 'disk-full', title: '磁盘空间不足的处理', managed_by: 'config', created_at: NOW.toISOString() });
    expect(reply.body.body).toContain('lsof | grep deleted');
    expect(await call('GET', '/api/v1/knowledge/no-such-article')).toEqual({ status: 404, body: { error: 'not_found', message: 'no knowledge-base article "no-such-article"' } });
  });

  it('creates (201), replaces (200) and audits an article, which search then finds', async () => {
    const created = await call('PUT', '/api/v1/knowledge/redis-pool', { token: TOKENS.responder, body: ARTICLE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'redis-pool', service_ids: ['payments'], managed_by: 'api', body: ARTICLE.body });
    const replaced = await call('PUT', '/api/v1/knowledge/redis-pool', { token: TOKENS.responder, body: { title: 'Redis 连接池耗尽', body: 'v2' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ title: 'Redis 连接池耗尽', tags: [], service_ids: [], category: null, url: null, body: 'v2' });
    const found = await call('GET', `/api/v1/knowledge?q=${encodeURIComponent('redis 连接池耗尽')}`);
    expect(found.body.items[0].id).toBe('redis-pool');
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor', 'target_id']).where('target_type', '=', 'knowledge_article').orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'knowledge.create', actor: 'user:bob', target_id: 'redis-pool' },
      { action: 'knowledge.update', actor: 'user:bob', target_id: 'redis-pool' },
    ]);
  });

  it('answers 409 for writes to an article declared in warroom.yaml, and leaves it alone', async () => {
    const put = await call('PUT', '/api/v1/knowledge/disk-full', { token: TOKENS.responder, body: ARTICLE });
    expect(put).toMatchObject({ status: 409, body: { error: 'conflict', message: expect.stringContaining('warroom.yaml') } });
    const del = await call('DELETE', '/api/v1/knowledge/disk-full', { token: TOKENS.admin });
    expect(del.status).toBe(409);
    expect((await call('GET', '/api/v1/knowledge/disk-full')).body.title).toBe('磁盘空间不足的处理');
  });

  it('deletes an API article (204), then 404', async () => {
    expect((await call('DELETE', '/api/v1/knowledge/redis-pool', { token: TOKENS.responder })).status).toBe(204);
    expect((await call('GET', '/api/v1/knowledge/redis-pool')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/knowledge/redis-pool', { token: TOKENS.responder })).status).toBe(404);
  });

  it.each([
    ['a missing title', { body: 'x' }, 'body.title'],
    ['an empty title', { ...ARTICLE, title: '  ' }, 'body.title'],
    ['a bad url', { ...ARTICLE, url: 'not a url' }, 'body.url'],
    ['a url that is not http(s)', { ...ARTICLE, url: 'javascript:alert(1)' }, 'body.url'],
    ['an unknown category', { ...ARTICLE, category: 'databases' }, 'body.category'],
    ['a service id that is not a slug', { ...ARTICLE, service_ids: ['Payments Team'] }, 'body.service_ids.0'],
    ['an unknown service', { ...ARTICLE, service_ids: ['payments', 'ghost'] }, 'body.service_ids[1]: unknown service "ghost"'],
  ])('rejects %s with 400 naming the field', async (_name, body, field) => {
    const reply = await call('PUT', '/api/v1/knowledge/new-article', { token: TOKENS.responder, body });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain(field);
    expect((await call('GET', '/api/v1/knowledge/new-article')).status).toBe(404);
  });

  it('rejects an id that is not a slug and a bad query', async () => {
    expect((await call('PUT', '/api/v1/knowledge/Not%20A%20Slug', { token: TOKENS.responder, body: ARTICLE })).body.message).toContain('params.id');
    expect((await call('GET', '/api/v1/knowledge?limit=0')).body.message).toContain('querystring.limit');
    expect((await call('GET', '/api/v1/knowledge?q=')).status).toBe(400);
  });

  it('documents the routes in OpenAPI under the knowledge tag', async () => {
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { tags: string[] }>> };
    expect(Object.keys(spec.paths).sort()).toEqual(['/api/v1/knowledge', '/api/v1/knowledge/{id}']);
    expect(Object.values(spec.paths).flatMap((p) => Object.values(p).map((op) => op.tags))).toEqual(Array(4).fill(['knowledge']));
  });
});
