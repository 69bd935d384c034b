import { sql, type Kysely } from 'kysely';

/**
 * Knowledge-base articles, posted into war rooms when they match an incident.
 * search_text is the title, tags and body normalised and segmented (Chinese cut into words) by
 * domain/knowledge/kb-text.ts; search_vector is built from the same three parts by the store,
 * weighted A (title), B (tags), D (body), with the 'simple' configuration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    create table kb_articles (
      id text primary key,
      title text not null,
      body text not null default '',
      tags text[] not null default '{}',
      service_ids text[] not null default '{}',
      category text,
      url text,
      managed_by text not null default 'api' check (managed_by in ('config', 'api')),
      search_text text not null default '',
      search_vector tsvector not null default ''::tsvector,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index kb_articles_search_vector on kb_articles using gin (search_vector);
    create index kb_articles_search_text_trgm on kb_articles using gin (search_text gin_trgm_ops);
    create index kb_articles_title_trgm on kb_articles using gin (title gin_trgm_ops);
    create index kb_articles_service_ids on kb_articles using gin (service_ids);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // pg_trgm stays: other objects may have come to rely on it.
  await sql`drop table if exists kb_articles`.execute(db);
}
