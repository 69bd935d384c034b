import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users add column webhook_url text, add column notification_rules jsonb;

    create table schedules (
      id text primary key,
      name text not null,
      timezone text not null,
      layers jsonb not null,
      managed_by text not null default 'api',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table schedule_overrides (
      id uuid primary key default gen_random_uuid(),
      schedule_id text not null references schedules (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      replaces_user_id text references users (id) on delete cascade,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      reason text,
      created_by text not null,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    );
    create index schedule_overrides_window on schedule_overrides (schedule_id, ends_at);

    create table escalation_policies (
      id text primary key,
      name text not null,
      repeat integer not null default 0,
      levels jsonb not null,
      fallback jsonb not null default '[]',
      managed_by text not null default 'api',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    alter table services
      add column escalation_policy_id text references escalation_policies (id) on delete set null,
      add column escalation_by_severity jsonb not null default '{}';

    create table escalations (
      incident_id uuid primary key references incidents (id) on delete cascade,
      policy_id text not null,
      level integer not null,
      cycle integer not null,
      fallback boolean not null default false,
      state text not null check (state in ('active', 'acknowledged', 'resolved', 'exhausted')),
      next_step_at timestamptz,
      started_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index escalations_due on escalations (next_step_at) where state = 'active';

    create table notifications (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incidents (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      channel text not null,
      step text not null,
      severity text not null,
      dedup_key text not null unique,
      status text not null check (status in ('scheduled', 'sending', 'sent', 'retrying', 'failed', 'suppressed', 'cancelled', 'digested')),
      reason text,
      attempts integer not null default 0,
      external_id text,
      reply_code text,
      digest_id uuid,
      scheduled_at timestamptz not null,
      sent_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index notifications_incident on notifications (incident_id, created_at);
    create index notifications_user_sent on notifications (user_id, sent_at desc);
    create index notifications_reply on notifications (user_id, reply_code) where reply_code is not null;

    create table silences (
      id uuid primary key default gen_random_uuid(),
      kind text not null default 'silence' check (kind in ('silence', 'maintenance')),
      matchers jsonb not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      comment text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    );
    create index silences_active on silences (ends_at);

    create table inbox_messages (
      id bigserial primary key,
      user_id text not null references users (id) on delete cascade,
      incident_id uuid references incidents (id) on delete cascade,
      notification_id uuid,
      doc jsonb not null,
      created_at timestamptz not null,
      read_at timestamptz
    );
    create index inbox_messages_user on inbox_messages (user_id, id desc);
    create unique index inbox_messages_notification on inbox_messages (notification_id) where notification_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists inbox_messages, silences, notifications, escalations, schedule_overrides, schedules cascade;
    alter table services drop column if exists escalation_policy_id, drop column if exists escalation_by_severity;
    drop table if exists escalation_policies;
    alter table users drop column if exists webhook_url, drop column if exists notification_rules;
  `.execute(db);
}
