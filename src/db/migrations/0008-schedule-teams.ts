import { sql, type Kysely } from 'kysely';

/** A schedule may belong to a team, so "who is on call now" can be shown per team. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table schedules add column team_id text references teams (id) on delete set null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table schedules drop column team_id`.execute(db);
}
