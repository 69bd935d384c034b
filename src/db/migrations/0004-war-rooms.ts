import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One room per incident per platform ('web' is warroom's own, always there).
    create table rooms (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incidents (id) on delete cascade,
      provider text not null,
      chat_id text,
      name text not null,
      topic text,
      status text not null check (status in ('opening', 'creating', 'active', 'closing', 'closed', 'failed')),
      reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      opened_at timestamptz,
      -- Collaboration facts: when the first invited responder spoke, the first human message, counts.
      assembled_at timestamptz,
      first_human_message_at timestamptz,
      last_human_update_at timestamptz,
      closing_at timestamptz,
      closed_at timestamptz,
      message_count int not null default 0,
      human_message_count int not null default 0,
      unique (incident_id, provider)
    );
    create index rooms_chat on rooms (provider, chat_id);

    -- Who is in the room and why (on call, owner, team, expert, invited by hand).
    create table room_members (
      incident_id uuid not null references incidents (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      reasons text[] not null,
      invited_at timestamptz not null,
      invited_by text not null,
      first_spoke_at timestamptz,
      message_count int not null default 0,
      primary key (incident_id, user_id)
    );

    -- The built-in room's messages, and messages captured from chat rooms.
    create table room_messages (
      id bigserial primary key,
      incident_id uuid not null references incidents (id) on delete cascade,
      provider text not null,
      author_user_id text references users (id) on delete set null,
      author_label text not null,
      kind text not null check (kind in ('human', 'system', 'card')),
      text text not null,
      doc jsonb,
      external_id text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index room_messages_incident on room_messages (incident_id, id);
    create index room_messages_updated on room_messages (incident_id, updated_at);
    create unique index room_messages_external on room_messages (provider, external_id) where external_id is not null;

    -- Incident roles: who commands, who writes things down, who talks to the outside.
    create table incident_roles (
      incident_id uuid not null references incidents (id) on delete cascade,
      role text not null check (role in ('commander', 'scribe', 'liaison')),
      user_id text not null references users (id) on delete cascade,
      assigned_at timestamptz not null,
      assigned_by text not null,
      primary key (incident_id, role)
    );

    -- Every @mention, and the ones a budget held back (they go into a digest instead).
    create table mentions (
      id bigserial primary key,
      incident_id uuid not null references incidents (id) on delete cascade,
      user_id text not null references users (id) on delete cascade,
      severity_class text not null,
      reason text not null,
      suppressed boolean not null,
      at timestamptz not null,
      -- Held-back mentions go out as one digest; this marks the ones already in one.
      digested_at timestamptz
    );
    create index mentions_budget on mentions (user_id, severity_class, at) where not suppressed;
    create index mentions_digest on mentions (user_id) where suppressed and digested_at is null;
  `.execute(db);
}
