import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- users.password_hash exists since 0001. Where it came from decides what a config apply does:
    -- a config hash follows the config; a hash set through the API survives applies that name none.
    alter table users add column password_set_by text check (password_set_by in ('config', 'api'));

    -- Web console sessions. The id is the SHA-256 of the cookie secret, so a database leak
    -- yields no usable cookie. expires_at is the absolute limit; idleness is judged by last_seen_at.
    create table web_sessions (
      id text primary key,
      user_id text not null references users (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      ip text,
      user_agent text
    );
    create index web_sessions_user on web_sessions (user_id);
    create index web_sessions_expires on web_sessions (expires_at);

    -- Failed logins, counted in Postgres so every server process throttles alike.
    -- user_key is a digest of the user (or of the name typed), never the name as typed.
    create table login_failures (
      id bigserial primary key,
      user_key text not null,
      ip text not null,
      at timestamptz not null
    );
    create index login_failures_user on login_failures (user_key, at);
    create index login_failures_ip on login_failures (ip, at);
    create index login_failures_at on login_failures (at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists login_failures, web_sessions;
    alter table users drop column if exists password_set_by;
  `.execute(db);
}
