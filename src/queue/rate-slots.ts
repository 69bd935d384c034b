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

/**
 * The last check before a send: a job that ran late (a busy worker, a poll interval) may land right
 * after the previous send although their slots were apart. Locks the destination's row, so senders
 * on one destination pass one at a time; returns null to go now (recording the send), or when to retry.
 */
export async function claimSendGap(tx: Db, key: string, intervalMs: number, now: () => Date): Promise<Date | null> {
  const row = await tx.selectFrom('rate_slots').select(['last_sent_at', 'blocked_until']).where('key', '=', key).forUpdate().executeTakeFirst();
  // Read the clock after the lock: time spent waiting for it counts.
  const at = now();
  if (row?.blocked_until && row.blocked_until > at) return row.blocked_until;
  const last = row?.last_sent_at?.getTime();
  if (last !== undefined && at.getTime() - last < intervalMs) return new Date(last + intervalMs);
  await sql`
    insert into rate_slots (key, next_at, last_sent_at) values (${key}, ${at}, ${at})
    on conflict (key) do update set last_sent_at = excluded.last_sent_at
  `.execute(tx);
  return null;
}

/** The platform said "slow down": nobody sends to this destination before `until`, slot or not. */
export async function pushBackSlots(db: Db, key: string, until: Date): Promise<void> {
  await sql`
    insert into rate_slots (key, next_at, blocked_until) values (${key}, ${until}, ${until})
    on conflict (key) do update set next_at = greatest(rate_slots.next_at, excluded.next_at),
      blocked_until = greatest(rate_slots.blocked_until, excluded.blocked_until)
  `.execute(db);
}

/** Slots long past carry no information; dropping them keeps the table small. */
export async function pruneRateSlots(db: Db, now: Date, keepMs = 3_600_000): Promise<void> {
  await db.deleteFrom('rate_slots').where('next_at', '<', new Date(now.getTime() - keepMs)).execute();
}
