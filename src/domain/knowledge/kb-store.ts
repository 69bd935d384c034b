import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { KbArticlesTable, ManagedBy } from '../../db/schema.js';
import { articleSearchText, type ArticleSearchText } from './kb-text.js';

export type { KbArticlesTable };

type KbArticleRow = Selectable<KbArticlesTable>;

export interface KnowledgeArticle {
  id: string;
  title: string;
  /** Markdown. */
  body: string;
  tags: string[];
  serviceIds: string[];
  category: string | null;
  url: string | null;
  managedBy: ManagedBy;
  createdAt: Date;
  updatedAt: Date;
}

export interface KnowledgeArticleInput {
  id: string;
  title: string;
  body: string;
  tags?: readonly string[];
  serviceIds?: readonly string[];
  category?: string | null;
  url?: string | null;
}

export type UpsertArticleResult = { outcome: 'created' | 'updated'; article: KnowledgeArticle } | { outcome: 'managed_by_config' };
export type DeleteArticleResult = 'deleted' | 'not_found' | 'managed_by_config';

const COLUMNS = ['id', 'title', 'body', 'tags', 'service_ids', 'category', 'url', 'managed_by', 'created_at', 'updated_at'] as const;

/** Kysely with kb_articles known, whether or not db/schema.ts lists it yet. */
const kb = (db: Db) => db;

/** The weighted vector of an article: title A, tags B, body D, with the 'simple' configuration. */
function searchVector(text: ArticleSearchText) {
  return sql<string>`setweight(to_tsvector('simple', ${text.title}::text), 'A') || setweight(to_tsvector('simple', ${text.tags}::text), 'B') || setweight(to_tsvector('simple', ${text.body}::text), 'D')`;
}

/**
 * Creates or replaces an article and its search columns. An API write never touches an article
 * declared in warroom.yaml (the next apply would undo it); a config write takes over an API one.
 */
export async function upsertArticle(tx: Db, input: KnowledgeArticleInput, options: { managedBy: ManagedBy; now: Date }): Promise<UpsertArticleResult> {
  const tags = dedupe(input.tags ?? []);
  const serviceIds = dedupe(input.serviceIds ?? []);
  const text = articleSearchText({ title: input.title, tags, body: input.body });
  const row = {
    title: input.title,
    body: input.body,
    tags,
    service_ids: serviceIds,
    category: input.category ?? null,
    url: input.url ?? null,
    managed_by: options.managedBy,
    search_text: text.all,
    search_vector: searchVector(text),
    updated_at: options.now,
  };
  const saved = await kb(tx)
    .insertInto('kb_articles')
    .values({ id: input.id, ...row, created_at: options.now })
    .onConflict((oc) => {
      const update = oc.column('id').doUpdateSet(row);
      return options.managedBy === 'api' ? update.where('kb_articles.managed_by', '=', 'api') : update;
    })
    .returning([...COLUMNS, sql<boolean>`(xmax = 0)`.as('inserted')])
    .executeTakeFirst();
  if (!saved) return { outcome: 'managed_by_config' };
  return { outcome: saved.inserted ? 'created' : 'updated', article: toArticle(saved) };
}

export async function getArticle(db: Db, id: string): Promise<KnowledgeArticle | undefined> {
  const row = await kb(db).selectFrom('kb_articles').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toArticle(row) : undefined;
}

export async function listArticles(
  db: Db,
  options: { serviceId?: string; category?: string; managedBy?: ManagedBy; limit?: number; offset?: number } = {},
): Promise<KnowledgeArticle[]> {
  let query = kb(db).selectFrom('kb_articles').select(COLUMNS).orderBy('id').limit(options.limit ?? 100).offset(options.offset ?? 0);
  if (options.serviceId) query = query.where(sql<boolean>`service_ids @> array[${options.serviceId}]::text[]`);
  if (options.category) query = query.where('category', '=', options.category);
  if (options.managedBy) query = query.where('managed_by', '=', options.managedBy);
  return (await query.execute()).map(toArticle);
}

/** Deletes an article owned by `managedBy`; an API delete leaves config articles alone and says so. */
export async function deleteArticle(tx: Db, id: string, options: { managedBy: ManagedBy }): Promise<DeleteArticleResult> {
  const deleted = await kb(tx).deleteFrom('kb_articles').where('id', '=', id).where('managed_by', '=', options.managedBy).returning('id').executeTakeFirst();
  if (deleted) return 'deleted';
  const other = await kb(tx).selectFrom('kb_articles').select('managed_by').where('id', '=', id).executeTakeFirst();
  return other ? 'managed_by_config' : 'not_found';
}

/**
 * Recomputes every article's search columns, for when segmentation or the synonym table changed
 * (a new jieba dictionary, a new synonym). Returns how many articles were rewritten.
 */
export async function reindexArticles(tx: Db): Promise<number> {
  const rows = await kb(tx).selectFrom('kb_articles').select(['id', 'title', 'tags', 'body', 'search_text']).execute();
  let changed = 0;
  for (const row of rows) {
    const text = articleSearchText({ title: row.title, tags: row.tags, body: row.body });
    if (text.all === row.search_text) continue;
    await kb(tx)
      .updateTable('kb_articles')
      .set({ search_text: text.all, search_vector: searchVector(text) })
      .where('id', '=', row.id)
      .execute();
    changed += 1;
  }
  return changed;
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

function toArticle(row: Pick<KbArticleRow, (typeof COLUMNS)[number]>): KnowledgeArticle {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    tags: row.tags,
    serviceIds: row.service_ids,
    category: row.category,
    url: row.url,
    managedBy: row.managed_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
