import type { Db } from '../../db/database.js';
import { hashSecret, newSecret, secretHint } from '../../kernel/index.js';
import type { Role } from '../../contracts/index.js';

interface PrincipalBase {
  /** The token's name, or for a session the user's id. */
  name: string;
  role: Role;
  userId: string | null;
  /** The display name of the user behind it, when there is one. */
  userName: string | null;
}

/** Who is calling: an API token (Authorization: Bearer) or a web console session (cookie). */
export type Principal = (PrincipalBase & { kind: 'token'; tokenId: string }) | (PrincipalBase & { kind: 'session'; sessionId: string; userId: string });

/**
 * Resolves a bearer token to its principal. Tokens are stored as SHA-256 digests: they are long
 * random strings, so a slow password hash would add latency and no safety.
 */
export class TokenAuthenticator {
  private readonly cache = new Map<string, { principal: Principal | null; expiresAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 10_000,
  ) {}

  async authenticate(token: string, nowMs: number): Promise<Principal | null> {
    const tokenHash = hashSecret(token);
    const cached = this.cache.get(tokenHash);
    if (cached && cached.expiresAt > nowMs) return cached.principal;
    const row = await this.db
      .selectFrom('api_tokens')
      .leftJoin('users', 'users.id', 'api_tokens.user_id')
      .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.role', 'api_tokens.user_id', 'users.name as user_name'])
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const principal: Principal | null = row
      ? { kind: 'token', tokenId: row.id, name: row.name, role: row.role, userId: row.user_id, userName: row.user_name }
      : null;
    this.cache.set(tokenHash, { principal, expiresAt: nowMs + this.ttlMs });
    if (row) {
      await this.db.updateTable('api_tokens').set({ last_used_at: new Date(nowMs) }).where('id', '=', row.id).execute();
    }
    return principal;
  }

  invalidate(): void {
    this.cache.clear();
  }
}

/** Creates a token and returns its secret once; only the digest is stored. */
export async function createApiToken(
  tx: Db,
  input: { name: string; role: Role; userId?: string | null },
): Promise<{ id: string; token: string }> {
  const token = newSecret('wr');
  const row = await tx
    .insertInto('api_tokens')
    .values({
      name: input.name,
      role: input.role,
      user_id: input.userId ?? null,
      token_hash: hashSecret(token),
      token_hint: secretHint(token),
      managed_by: 'api',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function revokeApiToken(tx: Db, id: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listApiTokens(db: Db) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'user_id', 'token_hint', 'managed_by', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('created_at')
    .execute();
}
