import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id text primary key,
      name text not null,
      email text,
      phone text,
      timezone text not null default 'UTC',
      role text not null default 'responder' check (role in ('viewer', 'responder', 'admin')),
      chat_ids jsonb not null default '{}',
      password_hash text,
      managed_by text not null default 'api' check (managed_by in ('config', 'api')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index users_email_unique on users (lower(email)) where email is not null;

    create table teams (
      id text primary key,
      name text not null,
      lead_user_id text references users (id) on delete set null,
      managed_by text not null default 'api',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table team_members (
      team_id text not null references teams (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      primary key (team_id, user_id)
    );

    create table services (
      id text primary key,
      name text not null,
      description text,
      owner_user_id text references users (id) on delete set null,
      team_id text references teams (id) on delete set null,
      impact text not null default 'few_users',
      links jsonb not null default '{}',
      auto_resolve boolean not null default true,
      grouping jsonb,
      generic_mapping jsonb,
      managed_by text not null default 'api',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table service_dependencies (
      service_id text not null references services (id) on delete cascade,
      depends_on_id text not null references services (id) on delete cascade,
      primary key (service_id, depends_on_id),
      check (service_id <> depends_on_id)
    );
    create index service_dependencies_reverse on service_dependencies (depends_on_id);

    create table integration_keys (
      id uuid primary key default gen_random_uuid(),
      service_id text not null references services (id) on delete cascade,
      name text not null,
      key_hash text not null unique,
      key_hint text not null,
      managed_by text not null default 'api',
      created_at timestamptz not null default now()
    );

    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      name text not null unique,
      token_hash text not null unique,
      token_hint text not null,
      role text not null check (role in ('viewer', 'responder', 'admin')),
      user_id text references users (id) on delete cascade,
      managed_by text not null default 'api',
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table incidents (
      id uuid primary key default gen_random_uuid(),
      number serial unique,
      title text not null,
      description text,
      service_id text references services (id) on delete set null,
      severity text not null check (severity in ('P0', 'P1', 'P2', 'P3')),
      severity_locked boolean not null default false,
      category text not null,
      status text not null,
      priority_score integer not null,
      impact text not null,
      group_key text,
      source text not null,
      classification_rule text,
      response_sla_ms integer not null,
      sla_due_at timestamptz not null,
      assignee_user_id text references users (id) on delete set null,
      tags text[] not null default '{}',
      metadata jsonb not null default '{}',
      alert_count integer not null default 0,
      open_alert_count integer not null default 0,
      flapping boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      last_alert_at timestamptz,
      acknowledged_at timestamptz,
      resolved_at timestamptz,
      resolved_by text,
      closed_at timestamptz
    );
    create index incidents_created on incidents (created_at desc);
    create index incidents_status_created on incidents (status, created_at desc);
    create index incidents_service_created on incidents (service_id, created_at desc);
    create index incidents_open_group on incidents (service_id, group_key, last_alert_at desc)
      where status not in ('resolved', 'closed');

    create table incident_events (
      id bigserial primary key,
      incident_id uuid not null references incidents (id) on delete cascade,
      at timestamptz not null,
      kind text not null,
      actor text not null,
      summary text not null,
      data jsonb not null default '{}'
    );
    create index incident_events_incident on incident_events (incident_id, id);

    create table incident_links (
      incident_id uuid not null references incidents (id) on delete cascade,
      related_id uuid not null references incidents (id) on delete cascade,
      reason text not null,
      created_at timestamptz not null,
      primary key (incident_id, related_id)
    );

    -- Correlation keys ("component=db-1") of each incident, so "recent incidents sharing a key" is
    -- an index range scan however many incidents a storm opens.
    create table incident_correlation_keys (
      key text not null,
      incident_id uuid not null references incidents (id) on delete cascade,
      created_at timestamptz not null,
      primary key (key, incident_id)
    );
    create index incident_correlation_keys_recent on incident_correlation_keys (key, created_at desc);

    create table alerts (
      id uuid primary key default gen_random_uuid(),
      service_id text not null references services (id) on delete cascade,
      incident_id uuid references incidents (id) on delete set null,
      fingerprint text not null,
      source text not null,
      status text not null check (status in ('firing', 'resolved')),
      title text not null,
      description text,
      labels jsonb not null default '{}',
      annotations jsonb not null default '{}',
      severity text not null,
      source_severity text,
      category text not null,
      generator_url text,
      starts_at timestamptz not null,
      ends_at timestamptz,
      last_seen_at timestamptz not null,
      count integer not null default 1,
      flapping boolean not null default false,
      group_reason text not null,
      created_at timestamptz not null
    );
    create unique index alerts_open_fingerprint on alerts (service_id, fingerprint) where status = 'firing';
    create index alerts_incident on alerts (incident_id);
    create index alerts_fingerprint_history on alerts (service_id, fingerprint, created_at desc);
    create index alerts_created on alerts (created_at);

    create table audit_log (
      id bigserial primary key,
      at timestamptz not null,
      actor text not null,
      action text not null,
      target_type text not null,
      target_id text,
      data jsonb not null default '{}',
      ip text
    );
    create index audit_log_at on audit_log (at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists audit_log, alerts, incident_correlation_keys, incident_links, incident_events, incidents, settings,
      api_tokens, integration_keys, service_dependencies, services, team_members, teams, users cascade;
  `.execute(db);
}
