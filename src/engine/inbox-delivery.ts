import type { Db } from '../db/database.js';
import type { MessageDoc } from '../contracts/index.js';
import { parseIncidentRef } from '../kernel/index.js';

/** Writes a page into warroom's own inbox; the notification id keeps a retried delivery single. */
export function inboxDelivery(db: Db, now: () => Date) {
  return async (userId: string, doc: MessageDoc, idempotencyKey: string): Promise<string> => {
    const number = doc.incidentRef ? parseIncidentRef(doc.incidentRef) : null;
    const incident = number ? await db.selectFrom('incidents').select('id').where('number', '=', number).executeTakeFirst() : undefined;
    const isNotification = /^[0-9a-f-]{36}$/.test(idempotencyKey);
    const row = await db
      .insertInto('inbox_messages')
      .values({ user_id: userId, incident_id: incident?.id ?? null, notification_id: isNotification ? idempotencyKey : null, doc: JSON.stringify(doc), created_at: now() })
      .onConflict((oc) => oc.column('notification_id').where('notification_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) return `inbox:${row.id}`;
    const existing = await db.selectFrom('inbox_messages').select('id').where('notification_id', '=', idempotencyKey).executeTakeFirstOrThrow();
    return `inbox:${existing.id}`;
  };
}
