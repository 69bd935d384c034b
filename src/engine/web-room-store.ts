import type { Db } from '../db/database.js';
import type { MessageDoc } from '../contracts/index.js';

/** Plain text of a doc, for the web room's list and its search. */
export const docText = (doc: MessageDoc): string => [doc.title, doc.summary, ...doc.fields.map((f) => `${f.label}: ${f.value}`)].filter(Boolean).join('\n');

/**
 * The built-in room's messages live in room_messages; a retried post with the same key finds the
 * row it wrote (external_id), so it is never doubled.
 */
export function webRoomStore(db: Db, now: () => Date) {
  return {
    async post(incidentId: string, doc: MessageDoc, idempotencyKey: string): Promise<string> {
      const at = now();
      const kind = doc.incidentRef && doc.actions.length ? 'card' : 'system';
      const row = await db
        .insertInto('room_messages')
        .values({ incident_id: incidentId, provider: 'web', author_user_id: null, author_label: 'warroom', kind, text: docText(doc), doc: JSON.stringify(doc), external_id: idempotencyKey, created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['provider', 'external_id']).where('external_id', 'is not', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) return String(row.id);
      const existing = await db.selectFrom('room_messages').select('id').where('provider', '=', 'web').where('external_id', '=', idempotencyKey).executeTakeFirstOrThrow();
      return String(existing.id);
    },
    async update(incidentId: string, messageId: string, doc: MessageDoc): Promise<void> {
      await db.updateTable('room_messages').set({ doc: JSON.stringify(doc), text: docText(doc), updated_at: now() }).where('id', '=', messageId).where('incident_id', '=', incidentId).execute();
    },
  };
}
