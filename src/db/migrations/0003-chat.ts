import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Where a service's incidents are announced: [{ provider, target }] (a Feishu chat, a Slack channel, a robot).
    alter table services add column chat_destinations jsonb not null default '[]';

    -- Every chat message warroom sent about an incident that it may edit later (the live card).
    create table chat_messages (
      id uuid primary key default gen_random_uuid(),
      incident_id uuid not null references incidents (id) on delete cascade,
      provider text not null,
      platform text not null,
      chat_id text not null,
      message_id text not null,
      purpose text not null check (purpose in ('page', 'announcement', 'room')),
      user_id text references users (id) on delete set null,
      -- A hash of the doc last rendered into it: an edit that changes nothing is not sent.
      doc_hash text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (provider, chat_id, message_id)
    );
    create index chat_messages_incident on chat_messages (incident_id);

    -- Announcements due per incident and destination: one row each, so a retry never posts twice.
    create table chat_announcements (
      incident_id uuid not null references incidents (id) on delete cascade,
      provider text not null,
      target text not null,
      status text not null check (status in ('pending', 'sent', 'failed')),
      attempts int not null default 0,
      reason text,
      chat_message_id uuid references chat_messages (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (incident_id, provider, target)
    );

    -- Inbound events already handled: platforms redeliver, and a replayed request must do nothing.
    create table chat_inbound_events (
      provider text not null,
      event_id text not null,
      received_at timestamptz not null,
      primary key (provider, event_id)
    );
    create index chat_inbound_events_age on chat_inbound_events (received_at);

    -- Durable send pacing per destination, shared by every worker: the next free slot.
    create table rate_slots (
      key text primary key,
      next_at timestamptz not null,
      -- When the last send to this destination actually went out: the final check before each send.
      last_sent_at timestamptz,
      -- The platform said "slow down" (429, 99991400, 130101, 45009): nothing goes out before this.
      blocked_until timestamptz
    );

    -- Platform ids found through directory lookups (by email or mobile), next to config's chat ids.
    create table chat_identities (
      user_id text not null references users (id) on delete cascade,
      platform text not null,
      external_id text,
      looked_up_at timestamptz not null,
      primary key (user_id, platform)
    );
  `.execute(db);
}
