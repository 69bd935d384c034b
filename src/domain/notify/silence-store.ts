import type { Db } from '../../db/database.js';
import type { Matcher } from './silence-matcher.js';

export interface Silence {
  id: string;
  kind: 'silence' | 'maintenance';
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  comment: string;
  createdBy: string;
}

export async function createSilence(tx: Db, input: Omit<Silence, 'id'>): Promise<string> {
  const row = await tx
    .insertInto('silences')
    .values({
      kind: input.kind,
      matchers: JSON.stringify(input.matchers),
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      comment: input.comment,
      created_by: input.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Silences in force at `at` (a maintenance window is a silence with a start in the future). */
export async function activeSilences(db: Db, at: Date): Promise<Silence[]> {
  const rows = await db.selectFrom('silences').selectAll().where('starts_at', '<=', at).where('ends_at', '>', at).execute();
  return rows.map(toSilence);
}

export async function listSilences(db: Db, options: { includeExpiredSince?: Date } = {}): Promise<Silence[]> {
  const rows = await db
    .selectFrom('silences')
    .selectAll()
    .where('ends_at', '>', options.includeExpiredSince ?? new Date(0))
    .orderBy('starts_at', 'desc')
    .execute();
  return rows.map(toSilence);
}

/** Expiring a silence ends it now rather than deleting it, so history keeps it. */
export async function expireSilence(tx: Db, id: string, now: Date): Promise<boolean> {
  const result = await tx.updateTable('silences').set({ ends_at: now }).where('id', '=', id).where('ends_at', '>', now).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function toSilence(row: { id: string; kind: 'silence' | 'maintenance'; matchers: unknown; starts_at: Date; ends_at: Date; comment: string; created_by: string }): Silence {
  return {
    id: row.id,
    kind: row.kind,
    matchers: row.matchers as Matcher[],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    comment: row.comment,
    createdBy: row.created_by,
  };
}
