import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { ensureKnowledgeSchema, FIXTURE_ARTICLES } from './kb-fixtures.js';
import { DEFAULT_MIN_SCORE, rankCandidates, searchKnowledge, similarQuery, type KnowledgeCandidate } from './kb-search.js';
import { upsertArticle } from './kb-store.js';
import { queryTerms } from './kb-text.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await ensureKnowledgeSchema(t.db);
  for (const article of FIXTURE_ARTICLES) await upsertArticle(t.db, article, { managedBy: 'config', now: new Date('2026-03-02T08:00:00Z') });
});
afterAll(async () => t?.drop());

const search = (text: string, options: { serviceId?: string; category?: string; limit?: number; minScore?: number } = {}) => searchKnowledge(t.db, { text, ...options });
const ids = async (text: string, options: Parameters<typeof search>[1] = {}) => (await search(text, options)).map((h) => h.id);

describe('searchKnowledge on real Postgres', () => {
  it.each([
    ['a Chinese alert title', '订单服务数据库连接池耗尽', 'mysql-connection-pool-exhausted'],
    ['colloquial Chinese, through a synonym phrase', '磁盘满了', 'disk-full'],
    ['English words for a Chinese article', 'database connection pool exhausted', 'mysql-connection-pool-exhausted'],
    ['English for a Chinese article, with a path', 'disk full on /var', 'disk-full'],
    ['Chinese words for an English article', 'Kafka 消费者积压', 'kafka-consumer-lag'],
    ['mixed Chinese and English with identifiers', 'checkout-api 5xx 错误率飙升 after deploy', '5xx-after-deploy'],
    ['mixed, with a camelCase reason', 'Pod 被 OOMKilled 内存不足', 'oomkilled-pods'],
    ['an Alertmanager alert name', 'KafkaConsumerLagHigh', 'kafka-consumer-lag'],
    ['Chinese for a mixed title', '证书过期', 'certificate-expiry'],
    ['English for a mixed title', 'TLS certificate expired', 'certificate-expiry'],
    ['Chinese with an acronym, for an English article', 'DNS解析失败', 'dns-resolution-failures'],
    ['a gateway timeout', '网关超时', 'gateway-upstream-timeout'],
    ['Chinese with an English status word', '节点 NotReady', 'node-not-ready'],
    ['a typo, caught by trigram similarity', 'kubernets node not ready', 'node-not-ready'],
    ['another typo', 'Elasticsearh cluster red', 'elasticsearch-cluster-red'],
  ])('%s: "%s" finds %s first', async (_name, text, expected) => {
    const hits = await search(text);
    expect(hits[0]?.id).toBe(expected);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(DEFAULT_MIN_SCORE);
  });

  it('"连接池" finds both connection-pool articles, the English one through its synonym, and nothing else', async () => {
    const hits = await search('连接池', { limit: 10 });
    expect(hits.map((h) => h.id).sort()).toEqual(['mysql-connection-pool-exhausted', 'redis-connection-pool']);
    expect(hits.every((h) => h.why === 'title matches 连接池')).toBe(true);
  });

  it('says why an article matched', async () => {
    const [top] = await search('订单服务数据库连接池耗尽');
    expect(top).toEqual({
      id: 'mysql-connection-pool-exhausted',
      title: '数据库连接池耗尽的排查',
      url: 'https://wiki.example.com/ops/mysql-pool',
      score: expect.any(Number),
      why: 'title matches 数据库, 连接池, 耗尽',
    });
    expect((await search('kubernets node not ready'))[0]!.why).toBe('title matches node, ready; text partly matches kubernets');
  });

  it('ranks a relevant article far above ones sharing a word', async () => {
    const hits = await search('磁盘满了', { minScore: 0.1, limit: 10 });
    expect(hits[0]!.id).toBe('disk-full');
    // node-not-ready mentions 磁盘压力 in passing: found, but far below and under the minimum.
    const passing = hits.find((h) => h.id === 'node-not-ready')!;
    expect(passing.score).toBeLessThan(DEFAULT_MIN_SCORE);
    expect(hits[0]!.score - passing.score).toBeGreaterThan(0.4);
  });

  it.each([
    ['an office request in Chinese', '会议室预订系统打印机卡纸'],
    ['an office request in English', 'printer out of paper on floor 3'],
    ['a business question', 'Quarterly revenue report is late'],
    ['the canteen menu', '员工食堂菜单更新'],
    ['only generic words', '服务异常'],
    ['only stop words and punctuation', '的 了 the, and!'],
  ])('posts nothing unrelated: %s', async (_name, text) => {
    expect(await search(text)).toEqual([]);
  });

  it('the minimum score is what keeps the weak matches out', async () => {
    expect(await search('服务异常')).toEqual([]);
    expect((await search('服务异常', { minScore: 0.1 })).length).toBeGreaterThan(0);
  });

  it('boosts articles of the incident service among relevant ones', async () => {
    expect((await ids('连接池耗尽', { serviceId: 'payments' }))[0]).toBe('redis-connection-pool');
    expect((await ids('连接池耗尽', { serviceId: 'order-service' }))[0]).toBe('mysql-connection-pool-exhausted');
    const [top] = await search('连接池耗尽', { serviceId: 'payments' });
    expect(top!.why).toBe('title matches 连接池, 耗尽; same service');
  });

  it('a boost never lets an irrelevant article in', async () => {
    // payments has two Redis articles; neither is about certificates.
    expect(await ids('证书过期', { serviceId: 'payments', limit: 10 })).toEqual(['certificate-expiry']);
  });

  it('boosts articles of the incident category', async () => {
    expect((await ids('延迟', { category: 'data' }))[0]).toBe('postgres-replication-lag');
    expect((await ids('延迟', { category: 'performance' }))[0]).toBe('redis-latency');
    expect((await search('延迟', { category: 'performance' }))[0]!.why).toBe('title matches 延迟; same category (performance)');
  });

  it('returns at most `limit` articles, three by default', async () => {
    expect(await search('延迟')).toHaveLength(3);
    expect(await search('延迟', { limit: 1 })).toHaveLength(1);
  });

  it("finds an incident's article from its title and labels", async () => {
    const query = similarQuery({
      title: '订单服务数据库连接池耗尽',
      serviceId: 'order-service',
      category: 'data',
      labels: { alertname: 'MySQLConnectionPoolExhausted', service: 'order-service', component: 'mysql', error_code: 'ER_CON_COUNT_ERROR', instance: '10.0.0.7:3306' },
    });
    const hits = await searchKnowledge(t.db, query);
    expect(hits[0]).toMatchObject({ id: 'mysql-connection-pool-exhausted' });
    expect(hits[0]!.why).toMatch(/; same service; same category \(data\)$/);
    expect(hits.map((h) => h.id)).not.toContain('disk-full');
  });
});

describe('similarQuery', () => {
  it.each([
    ['title and the telling labels, deduplicated; other labels ignored', { title: 'High 5xx on checkout', labels: { alertname: 'HighErrorRate', service: 'checkout', component: 'checkout', instance: 'x:1' } }, { text: 'High 5xx on checkout HighErrorRate checkout', serviceId: 'checkout', category: null, limit: 3 }],
    ["the incident's own service wins over the label", { title: 'Disk full', serviceId: 'db', labels: { service: 'db-replica' } }, { text: 'Disk full db-replica', serviceId: 'db', category: null, limit: 3 }],
    ['no labels at all', { title: '证书过期', category: 'security' }, { text: '证书过期', serviceId: null, category: 'security', limit: 3 }],
  ])('%s', (_name, incident, expected) => {
    expect(similarQuery(incident)).toEqual(expected);
  });
});

describe('rankCandidates', () => {
  const candidate = (over: Partial<KnowledgeCandidate>): KnowledgeCandidate => ({
    id: 'a', title: 'A', url: null, serviceIds: [], category: null, fts: 0, titleSimilarity: 0, fuzzy: {}, hits: [], titleHits: [], ...over,
  });
  const query = queryTerms('kafka consumer lag');

  it.each([
    ['every word in the title', candidate({ hits: ['kafka', 'consumer', 'lag'], titleHits: ['kafka', 'consumer', 'lag'] }), 0.8],
    ['every word in the text only', candidate({ hits: ['kafka', 'consumer', 'lag'] }), 0.55],
    ['a synonym counts as the word', candidate({ hits: ['kafka', '消费者', '积压'] }), 0.55],
    ['one word of three', candidate({ hits: ['kafka'] }), 0.183],
    ['full-text rank and title similarity add a little', candidate({ hits: ['kafka', 'consumer', 'lag'], fts: 0.5, titleSimilarity: 1 }), 0.7],
    ['title similarity under the floor adds nothing', candidate({ hits: ['kafka', 'consumer', 'lag'], titleSimilarity: 0.3 }), 0.55],
    ['a word resembling the query word earns part credit', candidate({ hits: ['kafka', 'consumer'], fuzzy: { lag: 0.75 } }), 0.477],
    ['a weak resemblance earns nothing', candidate({ hits: ['kafka', 'consumer'], fuzzy: { lag: 0.5 } }), 0.367],
  ])('%s', (_name, c, relevance) => {
    const [hit] = rankCandidates(query, [c], { minScore: 0 });
    expect(hit!.score).toBeCloseTo(relevance, 3);
  });

  it('drops candidates under the minimum before boosting, then boosts service and category', () => {
    const candidates = [
      candidate({ id: 'weak-same-service', hits: ['kafka'], serviceIds: ['events'] }),
      candidate({ id: 'strong', hits: ['kafka', 'consumer', 'lag'] }),
      candidate({ id: 'strong-same-service', hits: ['kafka', 'consumer', 'lag'], serviceIds: ['events'], category: 'data' }),
    ];
    const hits = rankCandidates(query, candidates, { serviceId: 'events', category: 'data' });
    expect(hits.map((h) => [h.id, h.score])).toEqual([['strong-same-service', 0.75], ['strong', 0.55]]);
    expect(hits[0]!.why).toBe('text matches kafka, consumer, lag; same service; same category (data)');
  });

  it('keeps the best `limit`, ties broken by id, and finds nothing for an empty query', () => {
    const same = { hits: ['kafka', 'consumer', 'lag'] };
    const hits = rankCandidates(query, [candidate({ id: 'c', ...same }), candidate({ id: 'b', ...same }), candidate({ id: 'a', ...same })], { limit: 2 });
    expect(hits.map((h) => h.id)).toEqual(['a', 'b']);
    expect(rankCandidates(queryTerms('the of'), [candidate(same)])).toEqual([]);
  });
});
