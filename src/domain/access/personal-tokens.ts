import type { Db } from '../../db/database.js';
import { ConflictError } from '../../kernel/index.js';
import type { Role } from '../../contracts/index.js';
import { createApiToken } from './api-tokens.js';
import { roleAllows } from './roles.js';

/** Token names are unique across warroom; the owner's id in front lets two people both have a "laptop". */
const storedName = (userId: string, name: string) => `${userId}/${name}`;
const shownName = (userId: string, stored: string) => (stored.startsWith(`${userId}/`) ? stored.slice(userId.length + 1) : stored);

/**
 * The role a new personal token gets: what was asked for, by default the caller's own. It may not
 * exceed `cap` (the lower of the user's role and the caller's credential), or null is returned.
 */
export function personalTokenRole(requested: Role | undefined, cap: Role): Role | null {
  const role = requested ?? cap;
  return roleAllows(cap, role) ? role : null;
}

/** The user's active tokens, personal and config-made, without secrets. */
export async function listPersonalTokens(db: Db, userId: string) {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'token_hint', 'managed_by', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .orderBy('name')
    .execute();
  return rows.map((row) => ({ ...row, name: shownName(userId, row.name) }));
}

export async function createPersonalToken(tx: Db, input: { userId: string; name: string; role: Role }): Promise<{ id: string; token: string }> {
  const name = storedName(input.userId, input.name);
  const existing = await tx.selectFrom('api_tokens').select(['id', 'revoked_at']).where('name', '=', name).executeTakeFirst();
  if (existing && !existing.revoked_at) throw new ConflictError(`you already have a token named "${input.name}"`);
  // A revoked token's name is free again; the audit log keeps its history.
  if (existing) await tx.deleteFrom('api_tokens').where('id', '=', existing.id).execute();
  return createApiToken(tx, { name, role: input.role, userId: input.userId });
}

/** Revokes one of the user's own API-made tokens; config tokens are revoked by editing the config. */
export async function revokePersonalToken(tx: Db, userId: string, id: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('managed_by', '=', 'api')
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
