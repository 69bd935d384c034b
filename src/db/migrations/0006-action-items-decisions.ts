import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Follow-up work agreed in a war room: who does what by when, reminded by a durable job.
    create table action_items (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incidents (id) on delete cascade,
      title text not null check (length(title) between 1 and 500),
      assignee_user_id text references users (id) on delete set null,
      due_at timestamptz not null,
      status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
      -- The actor label of whoever created it (user:alice, token:ci, system).
      created_by text not null,
      source text not null check (source in ('chat', 'api', 'ui')),
      -- When the last reminder went out; the reminder job checks it, so a re-run reminds once.
      reminded_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      done_at timestamptz
    );
    create index action_items_incident on action_items (incident_id, created_at);
    create index action_items_assignee_open on action_items (assignee_user_id, due_at) where status = 'open';

    -- Decisions taken while working an incident: what, why, and what else was considered.
    create table decisions (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incidents (id) on delete cascade,
      decided_by text not null,
      summary text not null check (length(summary) between 1 and 2000),
      rationale text,
      alternatives text[] not null default '{}',
      decided_at timestamptz not null,
      source text not null check (source in ('chat', 'api', 'ui'))
    );
    create index decisions_incident on decisions (incident_id, decided_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists decisions, action_items`.execute(db);
}
