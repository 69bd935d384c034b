import type { Db } from '../../db/database.js';
import { NotFoundError } from '../../kernel/index.js';
import type { RotationLayer, Schedule, ScheduleOverride } from './schedule-types.js';

/** Loads a schedule with the overrides that touch [from, to). */
export async function loadSchedule(db: Db, id: string, from: Date, to: Date): Promise<Schedule> {
  const row = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`schedule ${id} not found`);
  const overrides = await db
    .selectFrom('schedule_overrides')
    .select(['id', 'user_id', 'replaces_user_id', 'starts_at', 'ends_at'])
    .where('schedule_id', '=', id)
    .where('ends_at', '>', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .execute();
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    layers: row.layers as RotationLayer[],
    overrides: overrides.map(
      (o): ScheduleOverride => ({ id: o.id, userId: o.user_id, replaces: o.replaces_user_id, start: o.starts_at, end: o.ends_at }),
    ),
  };
}

export async function listScheduleIds(db: Db): Promise<{ id: string; name: string; timezone: string }[]> {
  return db.selectFrom('schedules').select(['id', 'name', 'timezone']).orderBy('id').execute();
}

export interface NewOverride {
  scheduleId: string;
  userId: string;
  replacesUserId?: string | null;
  start: Date;
  end: Date;
  reason?: string;
  createdBy: string;
}

export async function createOverride(tx: Db, input: NewOverride): Promise<string> {
  const row = await tx
    .insertInto('schedule_overrides')
    .values({
      schedule_id: input.scheduleId,
      user_id: input.userId,
      replaces_user_id: input.replacesUserId ?? null,
      starts_at: input.start,
      ends_at: input.end,
      reason: input.reason ?? null,
      created_by: input.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteOverride(tx: Db, scheduleId: string, overrideId: string): Promise<boolean> {
  const result = await tx.deleteFrom('schedule_overrides').where('id', '=', overrideId).where('schedule_id', '=', scheduleId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
