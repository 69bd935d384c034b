import { describe, expect, it } from 'vitest';
import { articleSearchText, documentTerms, normaliseText, queryTerms, singular, stripMarkdown, termWeight } from './kb-text.js';

describe('normaliseText', () => {
  it.each([
    ['full-width letters and spaces fold to ASCII, lower case', 'Ｃｈｅｃｋｏｕｔ　API', 'checkout api'],
    ['whitespace collapses and trims', '  disk \t full\n ', 'disk full'],
    ['circled digits become digits', 'P① 告警', 'p1 告警'],
    ['Chinese is left as it is', '数据库连接池耗尽', '数据库连接池耗尽'],
  ])('%s', (_name, input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });
});

describe('documentTerms', () => {
  it.each([
    ['Chinese is cut in search mode, sub-words included', '数据库连接池耗尽的排查', ['数据', '据库', '数据库', '连接', '连接池', '耗尽', '排查']],
    ['identifiers stay whole, with their parts', 'checkout-api 返回 5xx', ['checkout-api', 'checkout', 'api', '返回', '5xx']],
    ['camelCase keeps the word and adds its pieces', 'Pod OOMKilled', ['pod', 'oomkilled', 'oom', 'killed']],
    ['underscores join like hyphens (one lexeme for Postgres)', 'ER_CON_COUNT_ERROR', ['er-con-count-error', 'er', 'con', 'count', 'error']],
    ['a part starting with a digit splits the compound (Postgres would read "-01" as a number)', 'k8s-node-01', ['k8s', 'node', '01']],
    ['full-width text is folded first', 'ＴＩＭＥＯＵＴ', ['timeout']],
    ['links keep their text, not their address', 'see [runbook](https://wiki.example.com/x)', ['runbook']],
    ['stop words go, plurals add their singular', 'the errors of the pods', ['errors', 'error', 'pods', 'pod']],
  ])('%s', (_name, text, expected) => {
    const terms = documentTerms(stripMarkdown(text));
    expect(terms.slice(0, expected.length)).toEqual(expected);
  });

  it.each([
    ['磁盘满了', '空间不足'],
    ['disk full on /var', '空间不足'],
    ['disk usage 95%', '磁盘'],
    ['HikariCP connection pool', '连接池'],
    ['request timed out', '超时'],
    ['write failed: No space left on device', '空间不足'],
    ['java.lang.OutOfMemoryError: Java heap space', 'oom'],
    ['HTTP 503 from the gateway', '5xx'],
    ['Pod OOMKilled', 'oom'],
    ['内存溢出', 'oom'],
    ['kubectl rollout undo', '发布'],
  ])('adds the canonical synonym: %s → %s', (text, canonical) => {
    expect(documentTerms(text)).toContain(canonical);
  });

  it('adds no synonym where there is none, and a word inside another is no match', () => {
    expect(documentTerms('diskette inventory')).not.toContain('磁盘');
    expect(documentTerms('database')).not.toContain('空间不足');
  });
});

describe('articleSearchText', () => {
  it('segments each field and joins them in order: title, tags, body', () => {
    const text = articleSearchText({ title: '磁盘空间不足', tags: ['linux', 'Disk'], body: 'Run `df -h`.' });
    expect(text.title.split(' ')).toEqual(expect.arrayContaining(['磁盘', '空间', '磁盘空间', '不足', '空间不足']));
    expect(text.tags).toBe('linux disk 磁盘');
    expect(text.body).toBe('run df h');
    expect(text.all).toBe(`${text.title} ${text.tags} ${text.body}`);
  });
});

describe('queryTerms', () => {
  const concepts = (text: string) => queryTerms(text).concepts.map((c) => [c.label, c.weight, Object.fromEntries(c.alternatives)]);

  it.each([
    ['a Chinese alert title: precise cut, sub-words earn a little, generic words weigh less', '订单服务数据库连接池耗尽', [
      ['订单', 1, { 订单: 1 }],
      ['服务', 0.4, { 服务: 1 }],
      ['数据库', 1, { 数据库: 1, 数据: 0.3, 据库: 0.3 }],
      ['连接池', 1, { 连接池: 1, 连接: 0.3 }],
      ['耗尽', 1, { 耗尽: 1 }],
    ]],
    ['a synonym phrase folds the words inside it', '磁盘满了', [['磁盘满', 1, { 空间不足: 1, 磁盘: 0.3, 满: 0.3 }]]],
    ['an English phrase folds too, single words get their synonym', 'connection pool timeout', [
      ['timeout', 1, { timeout: 1, 超时: 1 }],
      ['connection pool', 1, { 连接池: 1, connection: 0.3, pool: 0.3 }],
    ]],
    ['an alert name is read as its words', 'KafkaConsumerLagHigh', [
      ['kafka', 1, { kafka: 1 }],
      ['consumer', 1, { consumer: 1, 消费者: 1 }],
      ['lag', 1, { lag: 1, 积压: 1 }],
      ['high', 0.4, { high: 1 }],
    ]],
    ['a short camelCase name stays one word, its pieces earn a little', 'OOMKilled', [['oomkilled', 1, { oomkilled: 1, oom: 1, killed: 0.3 }]]],
    ['stop words are dropped, plurals find their singular', 'the deadlocks of checkout', [['deadlocks', 1, { deadlocks: 1, deadlock: 1 }], ['checkout', 1, { checkout: 1 }]]],
    ['nothing left of punctuation and stop words', '的 了 the, and!', []],
  ])('%s', (_name, text, expected) => {
    expect(concepts(text)).toEqual(expected);
  });

  it('looks up whole identifiers as extra terms, not as concepts to cover', () => {
    const result = queryTerms('checkout-api MySQLConnectionPoolExhausted');
    expect(result.terms).toEqual(expect.arrayContaining(['checkout-api', 'mysqlconnectionpoolexhausted', 'checkout', 'api', '连接池']));
    expect(result.concepts.map((c) => c.label)).not.toContain('checkout-api');
  });

  it('caps the number of concepts', () => {
    const text = Array.from({ length: 40 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`).join(' ');
    expect(queryTerms(text).concepts).toHaveLength(24);
    expect(queryTerms(text, 5).concepts).toHaveLength(5);
  });
});

describe('singular and termWeight', () => {
  it.each([
    ['errors', 'error'],
    ['queries', 'query'],
    ['pods', 'pod'],
    ['status', undefined],
    ['process', undefined],
    ['dns', undefined],
    ['503s', undefined],
  ])('singular(%s) = %s', (word, expected) => {
    expect(singular(word)).toBe(expected);
  });

  it.each([
    ['连接池', 1],
    ['磁盘', 1],
    ['满', 0.3],
    ['db', 0.3],
    ['01', 0.3],
    ['5xx', 1],
    ['error', 0.4],
    ['服务', 0.4],
  ])('termWeight(%s) = %s', (term, weight) => {
    expect(termWeight(term)).toBe(weight);
  });
});
