import type { Db } from '../../db/database.js';
import { hashSecret } from '../../kernel/index.js';

/** Failed logins allowed per window: per user (or name typed), and per client address. */
export const LOGIN_THROTTLE = { windowMs: 15 * 60_000, perUser: 5, perIp: 20 } as const;

/**
 * The throttle key of a login attempt. A known user is keyed by id, so "alice" and her email share
 * one budget; an unknown name by what was typed. Either way only a digest is stored, since people
 * sometimes type their password into the user field.
 */
export function loginUserKey(userId: string | null, typed: string): string {
  return hashSecret(userId ? `user:${userId}` : `name:${typed.trim().toLowerCase()}`);
}

/**
 * How long until one more attempt is allowed, given the newest failures (newest first). With
 * `limit` failures inside the window, the wait ends when the limit-th newest leaves it.
 */
export function retryAfterMs(newestFirst: Date[], limit: number, windowMs: number, now: Date): number {
  const gate = newestFirst[limit - 1];
  if (!gate) return 0;
  return Math.max(0, gate.getTime() + windowMs - now.getTime());
}

/** Milliseconds the caller must wait before trying again; 0 when it may try now. */
export async function loginRetryAfter(db: Db, attempt: { userKey: string; ip: string }, now: Date): Promise<number> {
  const since = new Date(now.getTime() - LOGIN_THROTTLE.windowMs);
  const newest = (column: 'user_key' | 'ip', value: string, limit: number) =>
    db.selectFrom('login_failures').select('at').where(column, '=', value).where('at', '>', since).orderBy('at', 'desc').limit(limit).execute();
  const [byUser, byIp] = await Promise.all([
    newest('user_key', attempt.userKey, LOGIN_THROTTLE.perUser),
    newest('ip', attempt.ip, LOGIN_THROTTLE.perIp),
  ]);
  return Math.max(
    retryAfterMs(byUser.map((r) => r.at), LOGIN_THROTTLE.perUser, LOGIN_THROTTLE.windowMs, now),
    retryAfterMs(byIp.map((r) => r.at), LOGIN_THROTTLE.perIp, LOGIN_THROTTLE.windowMs, now),
  );
}

/** Records a failure and drops those too old to count, so the table stays small without a cron job. */
export async function recordLoginFailure(db: Db, attempt: { userKey: string; ip: string }, now: Date): Promise<void> {
  await db.insertInto('login_failures').values({ user_key: attempt.userKey, ip: attempt.ip, at: now }).execute();
  await db.deleteFrom('login_failures').where('at', '<', new Date(now.getTime() - LOGIN_THROTTLE.windowMs)).execute();
}

/** A successful login forgives the user's failures; the address keeps its count. */
export async function clearLoginFailures(db: Db, userKey: string): Promise<void> {
  await db.deleteFrom('login_failures').where('user_key', '=', userKey).execute();
}
