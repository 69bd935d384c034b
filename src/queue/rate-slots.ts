import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Durable send pacing, shared by every worker and process: each send to a destination reserves the
 * next free slot, `intervalMs` after the previous one. A job whose slot is in the future reschedules
 * itself to that slot instead of sleeping, so a busy chat never ties up a worker (pages keep flowing).
 */
export async function reserveSlot(tx: Db, key: string, intervalMs: number, now: Date): Promise<Date> {
  const row = await sql<{ slot: Date }>`
    insert into rate_slots (key, next_at) values (${key}, ${now}::timestamptz + make_interval(secs => ${intervalMs / 1000}))
    on conflict (key) do update set next_at = greatest(rate_slots.next_at, ${now}::timestamptz) + make_interval(secs => ${intervalMs / 1000})
    returning next_at - make_interval(secs => ${intervalMs / 1000}) as slot
  `.execute(tx);
  return row.rows[0]!.slot;
}

/** The platform said "slow down": nobody sends to this destination before `until`. */
export async function pushBackSlots(db: Db, key: string, until: Date): Promise<void> {
  await sql`
    insert into rate_slots (key, next_at) values (${key}, ${until})
    on conflict (key) do update set next_at = greatest(rate_slots.next_at, excluded.next_at)
  `.execute(db);
}

/** Slots long past carry no information; dropping them keeps the table small. */
export async function pruneRateSlots(db: Db, now: Date, keepMs = 3_600_000): Promise<void> {
  await db.deleteFrom('rate_slots').where('next_at', '<', new Date(now.getTime() - keepMs)).execute();
}
