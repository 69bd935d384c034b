import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { ensureKnowledgeSchema, FIXTURE_ARTICLES } from './kb-fixtures.js';
import { deleteArticle, getArticle, listArticles, reindexArticles, upsertArticle } from './kb-store.js';
import { articleSearchText } from './kb-text.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await ensureKnowledgeSchema(t.db);
});
afterAll(async () => t?.drop());

const T0 = new Date('2026-03-02T08:00:00Z');
const T1 = new Date('2026-03-02T09:00:00Z');
const lexemes = async (id: string, weights?: string) =>
  (
    await sql<{ l: string }>`select unnest(tsvector_to_array(${weights ? sql`ts_filter(search_vector, ${weights}::"char"[])` : sql`search_vector`})) as l from kb_articles where id = ${id}`.execute(t.db)
  ).rows.map((r) => r.l);

describe('knowledge store', () => {
  it('round-trips an article and keeps its search columns', async () => {
    const created = await upsertArticle(t.db, {
      id: 'redis-oom', title: 'Redis 内存打满 OOM', body: '`INFO memory` shows used_memory near **maxmemory**.', tags: ['redis', 'redis', ' memory '],
      serviceIds: ['cache'], category: 'performance', url: 'https://wiki.example.com/redis-oom',
    }, { managedBy: 'api', now: T0 });
    expect(created.outcome).toBe('created');
    const article = await getArticle(t.db, 'redis-oom');
    expect(article).toEqual({
      id: 'redis-oom', title: 'Redis 内存打满 OOM', body: '`INFO memory` shows used_memory near **maxmemory**.', tags: ['redis', 'memory'],
      serviceIds: ['cache'], category: 'performance', url: 'https://wiki.example.com/redis-oom', managedBy: 'api', createdAt: T0, updatedAt: T0,
    });
    const row = await t.db.withTables<{ kb_articles: { id: string; search_text: string } }>().selectFrom('kb_articles').select('search_text').where('id', '=', 'redis-oom').executeTakeFirstOrThrow();
    expect(row.search_text).toBe(articleSearchText({ title: article!.title, tags: article!.tags, body: article!.body }).all);
    // Title lexemes carry weight A, tags B, the body D.
    expect(await lexemes('redis-oom', '{a}')).toEqual(expect.arrayContaining(['redis', '内存', '打满', 'oom', '耗尽']));
    expect(await lexemes('redis-oom', '{a}')).not.toContain('maxmemory');
    expect(await lexemes('redis-oom', '{b}')).toEqual(expect.arrayContaining(['redis', 'memory']));
    expect(await lexemes('redis-oom')).toEqual(expect.arrayContaining(['used-memory', 'maxmemory', 'info']));
  });

  it('replaces an article on the next write, keeping created_at and rebuilding the vector', async () => {
    const updated = await upsertArticle(t.db, { id: 'redis-oom', title: 'Redis 延迟', body: 'SLOWLOG GET' }, { managedBy: 'api', now: T1 });
    expect(updated).toMatchObject({ outcome: 'updated', article: { title: 'Redis 延迟', tags: [], serviceIds: [], category: null, url: null, createdAt: T0, updatedAt: T1 } });
    const words = await lexemes('redis-oom');
    expect(words).toEqual(expect.arrayContaining(['延迟', 'slowlog']));
    expect(words).not.toContain('maxmemory');
  });

  it('an API write never overwrites a config article; a config write takes an API one over', async () => {
    await upsertArticle(t.db, { id: 'from-yaml', title: 'Declared in warroom.yaml', body: 'v1' }, { managedBy: 'config', now: T0 });
    expect(await upsertArticle(t.db, { id: 'from-yaml', title: 'Edited through the API', body: 'v2' }, { managedBy: 'api', now: T1 })).toEqual({ outcome: 'managed_by_config' });
    expect(await getArticle(t.db, 'from-yaml')).toMatchObject({ title: 'Declared in warroom.yaml', body: 'v1', managedBy: 'config', updatedAt: T0 });

    const takeover = await upsertArticle(t.db, { id: 'redis-oom', title: 'Now in the config', body: '' }, { managedBy: 'config', now: T1 });
    expect(takeover).toMatchObject({ outcome: 'updated', article: { managedBy: 'config', title: 'Now in the config' } });
  });

  it('deletes only what the caller manages and tells a missing article from a config one', async () => {
    await upsertArticle(t.db, { id: 'scratch', title: 'Scratch', body: '' }, { managedBy: 'api', now: T0 });
    expect(await deleteArticle(t.db, 'from-yaml', { managedBy: 'api' })).toBe('managed_by_config');
    expect(await getArticle(t.db, 'from-yaml')).toBeDefined();
    expect(await deleteArticle(t.db, 'scratch', { managedBy: 'api' })).toBe('deleted');
    expect(await getArticle(t.db, 'scratch')).toBeUndefined();
    expect(await deleteArticle(t.db, 'scratch', { managedBy: 'api' })).toBe('not_found');
    expect(await deleteArticle(t.db, 'from-yaml', { managedBy: 'config' })).toBe('deleted');
  });

  it('lists by id, filtered by service, category and owner', async () => {
    for (const article of FIXTURE_ARTICLES) await upsertArticle(t.db, article, { managedBy: 'config', now: T0 });
    await upsertArticle(t.db, { id: 'api-note', title: 'Checkout note', body: '', serviceIds: ['checkout'] }, { managedBy: 'api', now: T0 });
    const ids = async (options: Parameters<typeof listArticles>[1]) => (await listArticles(t.db, options)).map((a) => a.id);
    expect(await ids({ serviceId: 'checkout' })).toEqual(['5xx-after-deploy', 'api-note']);
    expect(await ids({ category: 'security' })).toEqual(['certificate-expiry']);
    expect(await ids({ managedBy: 'api' })).toEqual(['api-note']);
    expect(await ids({ limit: 2, offset: 1 })).toEqual(['api-note', 'certificate-expiry']);
  });

  it('stores every term the search computes as a lexeme of its own (the ranking relies on it)', async () => {
    await upsertArticle(t.db, {
      id: 'identifiers', title: 'checkout-api 5xx OOMKilled k8s-node-01', tags: ['ER_CON_COUNT_ERROR', 'p99'],
      body: 'MySQLConnectionPoolExhausted at 10.0.0.1:3306, /var/lib/mysql 95% (http-500, x509)', serviceIds: [],
    }, { managedBy: 'api', now: T0 });
    for (const article of [...FIXTURE_ARTICLES, { id: 'identifiers', title: 'checkout-api 5xx OOMKilled k8s-node-01', tags: ['ER_CON_COUNT_ERROR', 'p99'], body: 'MySQLConnectionPoolExhausted at 10.0.0.1:3306, /var/lib/mysql 95% (http-500, x509)' }]) {
      const stored = new Set(await lexemes(article.id));
      const terms = articleSearchText({ title: article.title, tags: article.tags ?? [], body: article.body }).all.split(' ');
      expect(terms.filter((term) => !stored.has(term)), article.id).toEqual([]);
    }
  });

  it('reindexes articles whose search text is stale, and only those', async () => {
    expect(await reindexArticles(t.db)).toBe(0);
    await sql`update kb_articles set search_text = 'stale', search_vector = to_tsvector('simple', 'stale') where id = 'disk-full'`.execute(t.db);
    expect(await reindexArticles(t.db)).toBe(1);
    expect(await lexemes('disk-full')).toEqual(expect.arrayContaining(['磁盘', '空间不足']));
    expect(await lexemes('disk-full')).not.toContain('stale');
  });
});
