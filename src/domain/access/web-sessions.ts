import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { hashSecret } from '../../kernel/index.js';
import type { Role } from '../../contracts/index.js';
import type { Principal } from './api-tokens.js';

export const SESSION_COOKIE = 'warroom_session';
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_MAX_MS = 7 * 86_400_000;
/** last_seen_at is written at most this often per session, so reads do not turn into writes. */
export const SESSION_TOUCH_MS = 60_000;

export interface SessionUser {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  timezone: string;
}

export interface WebSession {
  id: string;
  user: SessionUser;
  csrfToken: string;
  lastSeenAt: Date;
  /** The absolute limit, set at login. */
  expiresAt: Date;
}

/** When the session ends if nothing else happens: idle limit or absolute limit, whichever is first. */
export function sessionDeadline(session: Pick<WebSession, 'lastSeenAt' | 'expiresAt'>): Date {
  return new Date(Math.min(session.lastSeenAt.getTime() + SESSION_IDLE_MS, session.expiresAt.getTime()));
}

export const sessionAlive = (session: Pick<WebSession, 'lastSeenAt' | 'expiresAt'>, now: Date): boolean => sessionDeadline(session) > now;

export function sessionPrincipal(session: WebSession): Principal {
  return { kind: 'session', sessionId: session.id, name: session.user.id, role: session.user.role, userId: session.user.id, userName: session.user.name };
}

/** Starts a session; the cookie secret is returned once and only its digest is stored. */
export async function createWebSession(
  tx: Db,
  input: { userId: string; now: Date; ip: string | null; userAgent: string | null },
): Promise<{ secret: string; id: string; csrfToken: string; expiresAt: Date }> {
  const secret = randomBytes(32).toString('base64url');
  const id = hashSecret(secret);
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + SESSION_MAX_MS);
  await tx
    .insertInto('web_sessions')
    .values({
      id,
      user_id: input.userId,
      csrf_token: csrfToken,
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: expiresAt,
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { secret, id, csrfToken, expiresAt };
}

export async function findWebSession(db: Db, id: string): Promise<WebSession | null> {
  const row = await db
    .selectFrom('web_sessions')
    .innerJoin('users', 'users.id', 'web_sessions.user_id')
    .select(['web_sessions.id', 'csrf_token', 'last_seen_at', 'expires_at', 'users.id as user_id', 'users.name', 'users.email', 'users.role', 'users.timezone'])
    .where('web_sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    user: { id: row.user_id, name: row.name, email: row.email, role: row.role, timezone: row.timezone },
    csrfToken: row.csrf_token,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export async function deleteWebSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('id', '=', id).execute();
}

/** Ends every session of a user but `keepId` (the caller's own); returns how many ended. */
export async function deleteUserSessions(tx: Db, userId: string, keepId?: string): Promise<number> {
  let query = tx.deleteFrom('web_sessions').where('user_id', '=', userId);
  if (keepId) query = query.where('id', '<>', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Drops sessions past either limit; run at each login, so no cron job is needed. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('web_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', new Date(now.getTime() - SESSION_IDLE_MS))]))
    .execute();
}

/**
 * Resolves a cookie secret to its live session, with a short cache like TokenAuthenticator's.
 * Logout and password changes call forget()/forgetUser(), so they take effect at once in this
 * process; other processes notice within the cache lifetime.
 */
export class SessionAuthenticator {
  private readonly cache = new Map<string, { session: WebSession | null; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 10_000,
  ) {}

  async authenticate(secret: string, now: Date): Promise<WebSession | null> {
    const id = hashSecret(secret);
    const nowMs = now.getTime();
    const cached = this.cache.get(id);
    let session = cached && cached.until > nowMs ? cached.session : undefined;
    if (session === undefined) {
      session = await findWebSession(this.db, id);
      // Random cookies must not grow the cache without bound.
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(id, { session, until: nowMs + this.ttlMs });
    }
    if (!session) return null;
    if (!sessionAlive(session, now)) {
      this.cache.set(id, { session: null, until: nowMs + this.ttlMs });
      await deleteWebSession(this.db, id);
      return null;
    }
    if (nowMs - session.lastSeenAt.getTime() >= SESSION_TOUCH_MS) {
      session.lastSeenAt = now;
      await this.db.updateTable('web_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
    }
    return session;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  forgetUser(userId: string): void {
    for (const [id, entry] of this.cache) if (entry.session?.user.id === userId) this.cache.delete(id);
  }
}
