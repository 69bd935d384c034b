import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Role } from '../../contracts/index.js';
import type { ChatActor, ChatPlatform } from '../../contracts/index.js';

export interface ChatUser {
  id: string;
  name: string;
  role: Role;
}

/** The config keys a platform's ids live under in users.chat (Lark is Feishu's international twin). */
const chatKeys = (platform: ChatPlatform): string[] => (platform === 'feishu' ? ['feishu', 'lark'] : [platform]);

/**
 * The warroom user behind a chat account: by the ids in config (users.chat) first, then by the
 * ids found through directory lookups. Any of the platform's ids may match (open_id, user_id…).
 */
export async function findChatUser(db: Db, platform: ChatPlatform, actor: ChatActor): Promise<ChatUser | null> {
  const ids = actor.ids.filter(Boolean);
  if (!ids.length) return null;
  if (platform === 'web') {
    // The built-in room knows people by their warroom id.
    const user = await db.selectFrom('users').select(['id', 'name', 'role']).where('id', 'in', ids).orderBy('id').executeTakeFirst();
    return user ? { id: user.id, name: user.name, role: user.role as Role } : null;
  }
  const keys = chatKeys(platform);
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.role'])
    .where((eb) =>
      eb.or([
        ...keys.map((key) => eb(sql<string>`u.chat_ids ->> ${key}`, 'in', ids)),
        eb.exists(
          eb.selectFrom('chat_identities as c').select('c.user_id').whereRef('c.user_id', '=', 'u.id').where('c.platform', '=', platform).where('c.external_id', 'in', ids),
        ),
      ]),
    )
    .orderBy('u.id')
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, role: row.role as Role } : null;
}
