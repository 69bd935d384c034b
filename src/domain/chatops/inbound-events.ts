import type { Db } from '../../db/database.js';

/**
 * Marks an inbound event handled. Platforms redeliver (Feishu re-pushes, Slack retries) and an
 * attacker may replay a captured request inside the signature window: only the first one acts.
 */
export async function claimInboundEvent(tx: Db, provider: string, eventId: string, now: Date): Promise<boolean> {
  const inserted = await tx
    .insertInto('chat_inbound_events')
    .values({ provider, event_id: eventId.slice(0, 200), received_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return Boolean(inserted);
}

/** Forgets events older than any platform's redelivery window (a day is far beyond all of them). */
export async function pruneInboundEvents(db: Db, now: Date, keepMs = 86_400_000): Promise<number> {
  const result = await db.deleteFrom('chat_inbound_events').where('received_at', '<', new Date(now.getTime() - keepMs)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
