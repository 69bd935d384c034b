import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';

/**
 * Knowledge-base text: normalisation, segmentation and the terms both sides of a search use.
 *
 * Chinese is cut with jieba (search mode for articles, precise mode for queries); latin words,
 * numbers and identifiers stay whole (`checkout-api`, `5xx`, `oomkilled`), with their parts and
 * camelCase pieces added so `MySQLConnectionPoolExhausted` finds "connection pool". A small
 * synonym table maps common ops words across languages onto one canonical term.
 *
 * Every term is a single lexeme to Postgres's parser ('simple' config), so the terms computed here
 * are exactly the lexemes of the stored tsvector: the store and the ranking agree by construction.
 */

/** A query word and what counts as finding it: alternative terms with the credit each earns (0–1). */
export interface QueryConcept {
  label: string;
  weight: number;
  alternatives: Map<string, number>;
}

export interface KnowledgeQueryTerms {
  concepts: QueryConcept[];
  /** Every term worth looking up: the concepts' alternatives plus whole identifiers. */
  terms: string[];
}

export interface ArticleSearchText {
  title: string;
  tags: string;
  body: string;
  /** title + tags + body, what kb_articles.search_text holds. */
  all: string;
}

interface SynonymGroup {
  canonical: string;
  members: string[];
}

/** Common ops words, Chinese and English; phrases are matched on word boundaries. */
export const SYNONYMS: readonly SynonymGroup[] = [
  { canonical: '磁盘', members: ['磁盘', '硬盘', 'disk', 'disks'] },
  { canonical: '空间不足', members: ['空间不足', '磁盘满', '磁盘已满', '磁盘写满', 'disk full', 'no space left', 'out of disk'] },
  { canonical: '内存', members: ['内存', 'memory', 'mem', 'ram'] },
  { canonical: 'oom', members: ['oom', 'oomkilled', '内存溢出', '内存不足', 'out of memory'] },
  { canonical: '数据库', members: ['数据库', 'database', 'databases', 'db'] },
  { canonical: '连接池', members: ['连接池', 'connection pool', 'connection pools', 'connpool'] },
  { canonical: '超时', members: ['超时', 'timeout', 'timeouts', 'timed out'] },
  { canonical: '延迟', members: ['延迟', '延时', '时延', 'latency'] },
  { canonical: '积压', members: ['积压', '堆积', 'lag', 'backlog'] },
  { canonical: '耗尽', members: ['耗尽', '用尽', '打满', 'exhausted', 'exhaustion'] },
  { canonical: '证书', members: ['证书', 'certificate', 'certificates', 'cert', 'certs'] },
  { canonical: '过期', members: ['过期', '到期', 'expired', 'expiry', 'expires', 'expiring', 'expiration'] },
  { canonical: '发布', members: ['发布', '部署', '上线', 'deploy', 'deployed', 'deployment', 'release', 'rollout'] },
  { canonical: '回滚', members: ['回滚', 'rollback', 'roll back'] },
  { canonical: '重启', members: ['重启', 'restart', 'restarts', 'restarted', 'reboot'] },
  { canonical: '5xx', members: ['5xx', '500', '502', '503', '504'] },
  { canonical: '解析', members: ['解析', 'resolution', 'resolve', 'resolving', 'resolver', 'lookup', 'lookups'] },
  { canonical: '失败', members: ['失败', 'failure', 'failures', 'failed', 'fail', 'fails'] },
  { canonical: '消费者', members: ['消费者', 'consumer', 'consumers'] },
];

const STOPWORDS = new Set([
  ...'的 了 被 在 是 和 与 及 或 等 把 对 中 上 下 个 后 时 过 也 就 都 而 及 其 该 这 那 有 为 以 于 从 到 之 请 吗 呢 啊 吧 着 我 你 他 她 它 们'.split(' '),
  ...'a an the of to in on at for by from with and or not no is are was were be been it its this that these those as into out via per see than then after before when while my our your their has have had do does did will would can could should may might'.split(' '),
]);

/** Words in almost every alert; they count for less than the specific ones. */
const GENERIC = new Set([
  ...'服务 告警 报警 异常 错误 问题 故障 失败 系统 线上 生产 集群 监控 触发 过高 升高 较高 增加 突增'.split(' '),
  ...'high low alert alerts alarm error errors warning critical issue issues problem service services server prod production cluster api app firing rate'.split(' '),
]);

const HAN_RUN = /(\p{Script=Han}+)|([^\p{Script=Han}]+)/gu;
const WORD = /[\p{L}\p{N}]+(?:[-_][\p{L}\p{N}]+)*/gu;
const CAMEL_PIECE = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+/gu;
const URL = /\bhttps?:\/\/\S+/gi;
const MAX_TERM = 100;
/** What finding only a part of a word is worth: 连接 for 连接池, 数据 for 数据库. */
const SUBWORD_CREDIT = 0.3;

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  if (!jieba) {
    // Loaded on first use: the dictionary takes ~0.2 s to build, and most commands never search.
    const require = createRequire(import.meta.url);
    const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

/** NFKC (full-width → ASCII, compatibility forms folded) and lower case, whitespace collapsed. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

interface Token {
  term: string;
  kind: 'han' | 'word' | 'compound' | 'camel';
  /** camelCase pieces ("oom", "killed" of OOMKilled); a compound's parts are tokens of their own. */
  pieces: string[];
}

/** Splits text into tokens in reading order; `mode` picks jieba's search cut or precise cut. */
function tokens(text: string, mode: 'search' | 'precise'): Token[] {
  const out: Token[] = [];
  const source = text.normalize('NFKC').replace(URL, ' ');
  for (const [, han, other] of source.matchAll(HAN_RUN)) {
    if (han) {
      const words = mode === 'search' ? segmenter().cutForSearch(han, true) : segmenter().cut(han, true);
      for (const word of words) out.push({ term: word.toLowerCase(), kind: 'han', pieces: [] });
      continue;
    }
    for (const [word] of (other ?? '').matchAll(WORD)) {
      const parts = word.split(/[-_]/);
      // Postgres reads "-01" as a signed number: a compound is one lexeme only when every later part starts with a letter.
      if (parts.length > 1 && parts.every((p) => /\p{L}/u.test(p)) && parts.slice(1).every((p) => /^\p{L}/u.test(p))) {
        out.push({ term: parts.join('-').toLowerCase(), kind: 'compound', pieces: [] });
      }
      for (const part of parts) {
        const camel = /^\p{L}+$/u.test(part) && /\p{Lu}/u.test(part) && /\p{Ll}/u.test(part);
        const pieces = camel ? [...part.matchAll(CAMEL_PIECE)].map((m) => m[0].toLowerCase()).filter((p) => p.length > 1) : [];
        out.push({ term: part.toLowerCase(), kind: pieces.length > 1 ? 'camel' : 'word', pieces: pieces.length > 1 ? pieces : [] });
      }
    }
  }
  return out.filter((t) => t.term.length <= MAX_TERM && !STOPWORDS.has(t.term));
}

/** "errors" → "error"; leaves short words, "-ss" and "-us" words alone. */
export function singular(term: string): string | undefined {
  if (term.length < 4 || !/^\p{Ll}+$/u.test(term) || !term.endsWith('s') || /(ss|us|is)$/.test(term)) return undefined;
  return term.endsWith('ies') ? `${term.slice(0, -3)}y` : term.slice(0, -1);
}

/** Synonym groups present in the text: Chinese members as substrings, latin ones on word boundaries. */
function synonymHits(text: string): { group: SynonymGroup; members: string[] }[] {
  const hanText = normaliseText(text);
  const latin = ` ${latinWords(text).join(' ')} `;
  const hits: { group: SynonymGroup; members: string[] }[] = [];
  for (const group of SYNONYMS) {
    const members = group.members.filter((m) => (/\p{Script=Han}/u.test(m) ? hanText.includes(m) : latin.includes(` ${m} `)));
    if (members.length) hits.push({ group, members });
  }
  return hits;
}

/** Every latin word in reading order, stop words kept ("timed out"), camelCase words followed by their pieces. */
function latinWords(text: string): string[] {
  const words: string[] = [];
  for (const [word] of text.normalize('NFKC').replace(URL, ' ').matchAll(WORD)) {
    for (const part of word.split(/[-_]/)) {
      const camel = /^\p{L}+$/u.test(part) && /\p{Lu}/u.test(part) && /\p{Ll}/u.test(part);
      words.push(part.toLowerCase(), ...(camel ? [...part.matchAll(CAMEL_PIECE)].map((m) => m[0].toLowerCase()) : []));
    }
  }
  return words;
}

/** The index terms of a text, in order and with repeats (ranking counts them), synonyms appended. */
export function documentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokens(text, 'search')) {
    for (const term of [token.term, ...token.pieces]) {
      if (STOPWORDS.has(term)) continue;
      terms.push(term);
      const one = singular(term);
      if (one) terms.push(one);
    }
  }
  for (const { group } of synonymHits(text)) terms.push(group.canonical);
  return terms;
}

/** search_text for an article: each field segmented and joined by spaces. */
export function articleSearchText(article: { title: string; tags: readonly string[]; body: string }): ArticleSearchText {
  const title = documentTerms(article.title).join(' ');
  const tags = documentTerms(article.tags.join(' ; ')).join(' ');
  const body = documentTerms(stripMarkdown(article.body)).join(' ');
  return { title, tags, body, all: [title, tags, body].filter(Boolean).join(' ') };
}

/** Markdown syntax that carries no words: link targets, images, HTML tags, table rules. */
export function stripMarkdown(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/^\s*\|?\s*:?-{3,}.*$/gm, ' ');
}

export function termWeight(term: string): number {
  if (GENERIC.has(term)) return 0.4;
  // One Chinese character, two latin letters or two digits say little on their own.
  if (/^(\p{Script=Han}|[\p{L}\p{N}]{1,2})$/u.test(term) && !/^\p{Script=Han}{2}$/u.test(term)) return 0.3;
  return 1;
}

/**
 * What a query looks for: one concept per word (precise jieba cut for Chinese, the parts of
 * identifiers, the pieces of long camelCase names), each found by itself, its singular or its
 * synonym (full credit) or by a sub-word (a little); synonym phrases ("disk full", "磁盘满") and
 * synonyms inside a longer word add a concept each. Whole identifiers are extra terms for ranking.
 */
export function queryTerms(text: string, maxConcepts = 24): KnowledgeQueryTerms {
  const concepts = new Map<string, QueryConcept>();
  const extra = new Set<string>();
  const add = (term: string, subwords: string[]) => {
    if (STOPWORDS.has(term) || concepts.has(term) || concepts.size >= maxConcepts) return;
    const alternatives = new Map<string, number>([[term, 1]]);
    const one = singular(term);
    if (one) alternatives.set(one, 1);
    for (const sub of subwords) if (sub !== term && sub.length > 1 && !STOPWORDS.has(sub) && !alternatives.has(sub)) alternatives.set(sub, SUBWORD_CREDIT);
    concepts.set(term, { label: term, weight: termWeight(term), alternatives });
  };
  const all = tokens(text, 'precise');
  for (const token of all) {
    if (token.kind === 'compound') extra.add(token.term);
    else if (token.kind === 'camel' && token.pieces.length > 2) {
      // An alert name (KafkaConsumerLagHigh): no article says it, its words are what to look for.
      extra.add(token.term);
      for (const piece of token.pieces) add(piece, []);
    } else if (token.kind === 'han' && token.term.length > 2) add(token.term, segmenter().cutForSearch(token.term, true));
    else add(token.term, token.pieces);
  }
  for (const { group, members } of synonymHits(text)) {
    const own = [...concepts.values()].filter((c) => c.label === group.canonical || members.some((m) => c.alternatives.get(m) === 1));
    for (const concept of own) concept.alternatives.set(group.canonical, 1);
    if (!own.length) foldPhrase(concepts, members[0]!, group.canonical);
  }
  const list = [...concepts.values()];
  const terms = new Set([...list.flatMap((c) => [...c.alternatives.keys()]), ...extra]);
  return { concepts: list, terms: [...terms] };
}

/**
 * A synonym phrase ("connection pool", "磁盘满") becomes one concept found by its canonical term;
 * the words inside it stop counting on their own and only earn a little, so an English article
 * saying "connection pool" and a Chinese one saying 连接池 cover the query alike.
 */
function foldPhrase(concepts: Map<string, QueryConcept>, member: string, canonical: string): void {
  const han = /\p{Script=Han}/u.test(member);
  const words = new Set(member.split(' '));
  const inside = [...concepts.entries()].filter(([, c]) => (han ? member.includes(c.label) : words.has(c.label)));
  const alternatives = new Map<string, number>([[canonical, 1]]);
  for (const [key, concept] of inside) {
    concepts.delete(key);
    for (const [term, value] of concept.alternatives) if (!alternatives.has(term)) alternatives.set(term, Math.min(value, SUBWORD_CREDIT));
  }
  concepts.set(`~${canonical}`, { label: member, weight: 1, alternatives });
}
