import type { Db } from '../../db/database.js';
import type { NotifyChannel } from '../../contracts/index.js';
import type { UserContact } from './notification-plan.js';

export interface UserRecord extends UserContact {
  name: string;
  timezone: string;
}

export async function loadUserContacts(db: Db, userIds: string[]): Promise<Map<string, UserRecord>> {
  if (!userIds.length) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'phone', 'webhook_url', 'chat_ids', 'timezone', 'notification_rules'])
    .where('id', 'in', userIds)
    .execute();
  // Ids found by directory lookup fill the gaps; ids written in config always win.
  const found = await db.selectFrom('chat_identities').select(['user_id', 'platform', 'external_id']).where('user_id', 'in', userIds).where('external_id', 'is not', null).execute();
  const lookedUp = new Map<string, Record<string, string>>();
  for (const f of found) lookedUp.set(f.user_id, { ...lookedUp.get(f.user_id), [f.platform]: f.external_id! });
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        name: row.name,
        email: row.email,
        phone: row.phone,
        webhookUrl: row.webhook_url,
        chatIds: { ...lookedUp.get(row.id), ...row.chat_ids },
        timezone: row.timezone,
        rules: row.notification_rules as UserContact['rules'] & Record<string, { channel: NotifyChannel; after: number }[]>,
      },
    ]),
  );
}

/** Finds the user an inbound reply came from, by phone number (digits compared, so formats may differ). */
export async function findUserByPhone(db: Db, phone: string): Promise<string | null> {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 5) return null;
  const rows = await db.selectFrom('users').select(['id', 'phone']).where('phone', 'is not', null).execute();
  return rows.find((row) => row.phone!.replace(/\D/g, '') === digits)?.id ?? null;
}
