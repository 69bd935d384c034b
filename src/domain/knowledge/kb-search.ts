import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { normaliseText, queryTerms, type KnowledgeQueryTerms, type QueryConcept } from './kb-text.js';

export interface KnowledgeQuery {
  text: string;
  /** Articles for this service rank higher. */
  serviceId?: string | null;
  /** Articles of this category rank higher. */
  category?: string | null;
  limit?: number;
  /** Relevance an article needs before it is returned at all; boosts do not count towards it. */
  minScore?: number;
}

export interface KnowledgeHit {
  id: string;
  title: string;
  url: string | null;
  score: number;
  /** What matched, for people: "title matches 连接池, 耗尽; same service". */
  why: string;
}

/** What the database says about one article that matched the query somehow. */
export interface KnowledgeCandidate {
  id: string;
  title: string;
  url: string | null;
  serviceIds: string[];
  category: string | null;
  /** ts_rank over search_vector, normalised to 0–1 (rank / (rank + 1)). */
  fts: number;
  /** pg_trgm word_similarity of the whole query with the title. */
  titleSimilarity: number;
  /** word_similarity of single latin query words with search_text (title for weak candidates): typos ("kubernets"). */
  fuzzy: Readonly<Record<string, number>>;
  /** Query terms that are lexemes of the article, and of its title or tags. */
  hits: string[];
  titleHits: string[];
}

export const DEFAULT_MIN_SCORE = 0.4;
/** Title similarity below this is the noise of short words sharing letters; it counts for nothing. */
const SIMILARITY_FLOOR = 0.3;
/** A word this close to one of the article's (pg_trgm's own word_similarity_threshold) earns part credit. */
const FUZZY_MIN = 0.6;
const FUZZY_CREDIT = 0.8;
const MAX_FUZZY_WORDS = 6;
/** How many of the best candidates compare query words with their whole text, not just their title. */
const FUZZY_TEXT_CANDIDATES = 20;
const SERVICE_BOOST = 0.15;
const CATEGORY_BOOST = 0.05;
const CANDIDATES = 100;
const MAX_QUERY_CHARS = 1000;

/**
 * Articles related to a text (an incident title, a search box), best first. Postgres finds the
 * candidates (full text over the segmented terms OR'ed, or a title resembling a query word that no
 * article has) and reports what matched and how similar the title is; `rankCandidates` scores.
 */
export async function searchKnowledge(db: Db, query: KnowledgeQuery): Promise<KnowledgeHit[]> {
  const text = query.text.slice(0, MAX_QUERY_CHARS);
  const parsed = queryTerms(text);
  if (!parsed.terms.length) return [];
  const titleText = normaliseText(text);
  const fuzzyWords = parsed.concepts
    .filter((c) => c.weight === 1 && /^[\p{L}\p{N}-]{4,}$/u.test(c.label) && /\p{L}/u.test(c.label) && !/\p{Script=Han}/u.test(c.label))
    .slice(0, MAX_FUZZY_WORDS)
    .map((c) => c.label);
  // Trigram work is costly, so it is kept for the query words no article has (typos, "kubernets"):
  // those find candidates through the title's trigram index and are compared with the text of the
  // best candidates only.
  const fuzzyScores = (column: 'search_text' | 'title') =>
    sql`array(select case when w = any(u.words) then word_similarity(w, ${sql.ref(`f.${column}`)}) else 0 end from unnest(${fuzzyWords}::text[]) with ordinality as x(w, i) order by i)`;
  const rows = await sql<{
    id: string; title: string; url: string | null; service_ids: string[]; category: string | null;
    fts: number; title_sim: number; fuzzy: number[]; hits: string[]; title_hits: string[];
  }>`
    with q as (select websearch_to_tsquery('simple', ${parsed.terms.join(' or ')}::text) as tsq),
    u as (
      select coalesce(array_agg(w), '{}') as words from unnest(${fuzzyWords}::text[]) w
      where not exists (select 1 from kb_articles k where k.search_vector @@ plainto_tsquery('simple', w))
    ),
    matched as (
      select a.id, a.title, a.url, a.service_ids, a.category, a.search_text, a.search_vector, ts_rank(a.search_vector, q.tsq, 32) as fts
      from kb_articles a, q, u
      where a.search_vector @@ q.tsq or exists (select 1 from unnest(u.words) w where w <% a.title)
    ),
    found as (
      select m.*, row_number() over (order by m.fts desc, m.id) as position
      from matched m order by position limit ${CANDIDATES}
    )
    select f.id, f.title, f.url, f.service_ids, f.category, f.fts,
      word_similarity(${titleText}::text, f.title) as title_sim,
      array(select l from unnest(tsvector_to_array(f.search_vector)) l where l = any(${parsed.terms}::text[])) as hits,
      array(select l from unnest(tsvector_to_array(ts_filter(f.search_vector, '{a,b}'))) l where l = any(${parsed.terms}::text[])) as title_hits,
      case when f.position <= ${FUZZY_TEXT_CANDIDATES} then ${fuzzyScores('search_text')} else ${fuzzyScores('title')} end as fuzzy
    from found f, u
  `.execute(db);
  const candidates = rows.rows.map((r) => ({
    id: r.id,
    title: r.title,
    url: r.url,
    serviceIds: r.service_ids,
    category: r.category,
    fts: r.fts,
    titleSimilarity: r.title_sim,
    fuzzy: Object.fromEntries(fuzzyWords.map((w, i) => [w, r.fuzzy[i] ?? 0])),
    hits: r.hits,
    titleHits: r.title_hits,
  }));
  return rankCandidates(parsed, candidates, query);
}

/**
 * Scores candidates (pure). Relevance, 0–1, weighs how much of the query an article covers
 * (specific words count more than "服务" or "error"; a word only resembling one of the article's
 * counts for less), how much of it the title covers, the full-text rank and the title's trigram
 * similarity. Only articles at or above `minScore` are kept; then the same service and the same
 * category add a boost, so they win among relevant articles without letting irrelevant ones in.
 */
export function rankCandidates(query: KnowledgeQueryTerms, candidates: readonly KnowledgeCandidate[], options: Omit<KnowledgeQuery, 'text'> = {}): KnowledgeHit[] {
  const total = query.concepts.reduce((sum, c) => sum + c.weight, 0);
  if (!total) return [];
  // A long query (an incident title plus its labels) repeats itself: covering half of it is covering it.
  const denominator = Math.min(total, Math.max(4, total / 2));
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  const scored = candidates.map((candidate) => {
    const found = { lexemes: new Set(candidate.hits), fuzzy: candidate.fuzzy };
    const inTitle = { lexemes: new Set(candidate.titleHits), fuzzy: {} };
    const coverage = Math.min(1, covered(query.concepts, found) / denominator);
    const titleCoverage = Math.min(1, covered(query.concepts, inTitle) / denominator);
    const similarity = Math.max(0, (candidate.titleSimilarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR));
    const relevance = 0.55 * coverage + 0.25 * titleCoverage + 0.1 * candidate.fts + 0.1 * similarity;
    const sameService = !!options.serviceId && candidate.serviceIds.includes(options.serviceId);
    const sameCategory = !!options.category && candidate.category === options.category;
    const score = relevance + (sameService ? SERVICE_BOOST : 0) + (sameCategory ? CATEGORY_BOOST : 0);
    const why = explain(query.concepts, found, inTitle, candidate.titleSimilarity, sameService, sameCategory ? candidate.category : null);
    return { candidate, relevance, score, why };
  });
  return scored
    .filter((s) => s.relevance >= minScore)
    .sort((a, b) => b.score - a.score || a.candidate.id.localeCompare(b.candidate.id))
    .slice(0, options.limit ?? 3)
    .map((s) => ({ id: s.candidate.id, title: s.candidate.title, url: s.candidate.url, score: Math.round(s.score * 1000) / 1000, why: s.why }));
}

interface Found {
  lexemes: ReadonlySet<string>;
  fuzzy: Readonly<Record<string, number>>;
}

/** The weight of the concepts found, each with its best credit. */
function covered(concepts: readonly QueryConcept[], found: Found): number {
  return concepts.reduce((sum, concept) => sum + concept.weight * credit(concept, found), 0);
}

/** Its own word or a synonym 1, a sub-word less, a word merely resembling one of the article's less again. */
function credit(concept: QueryConcept, found: Found): number {
  let best = 0;
  for (const [term, value] of concept.alternatives) if (value > best && found.lexemes.has(term)) best = value;
  const similarity = found.fuzzy[concept.label] ?? 0;
  return similarity >= FUZZY_MIN ? Math.max(best, FUZZY_CREDIT * similarity) : best;
}

function explain(concepts: readonly QueryConcept[], found: Found, inTitle: Found, titleSimilarity: number, sameService: boolean, category: string | null): string {
  const exact = (c: QueryConcept, where: Found) => credit(c, { lexemes: where.lexemes, fuzzy: {} }) === 1;
  const titleWords = concepts.filter((c) => exact(c, inTitle)).map((c) => c.label);
  const textWords = concepts.filter((c) => !titleWords.includes(c.label) && exact(c, found)).map((c) => c.label);
  const partly = concepts.filter((c) => !exact(c, found) && credit(c, found) > 0).map((c) => c.label);
  const reasons: string[] = [];
  if (titleWords.length) reasons.push(`title matches ${list(titleWords)}`);
  if (textWords.length) reasons.push(`text matches ${list(textWords)}`);
  if (partly.length) reasons.push(`text partly matches ${list(partly)}`);
  if (!titleWords.length && titleSimilarity >= 0.5) reasons.push('similar title');
  if (sameService) reasons.push('same service');
  if (category) reasons.push(`same category (${category})`);
  return reasons.join('; ') || 'similar text';
}

const list = (labels: string[]) => (labels.length > 5 ? `${labels.slice(0, 5).join(', ')}…` : labels.join(', '));

/** What an incident (or alert) has that says what it is about. */
export interface IncidentForKnowledge {
  title: string;
  serviceId?: string | null;
  category?: string | null;
  labels?: Readonly<Record<string, string>> | null;
}

const QUERY_LABELS = ['alertname', 'service', 'component', 'error_code'] as const;

/**
 * The query for articles related to an incident: its title and the telling labels as text, its
 * service and category as boosts. The category is not added as words: "application" or "data"
 * would match every article that happens to say it.
 */
export function similarQuery(incident: IncidentForKnowledge, limit = 3): KnowledgeQuery {
  const labels = incident.labels ?? {};
  const words = [incident.title, ...QUERY_LABELS.map((name) => labels[name]).filter((v): v is string => !!v)];
  const unique = [...new Set(words.map((w) => w.trim()).filter(Boolean))];
  return { text: unique.join(' '), serviceId: incident.serviceId ?? labels.service ?? null, category: incident.category ?? null, limit };
}
