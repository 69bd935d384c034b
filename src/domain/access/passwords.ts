import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../db/database.js';
import type { ManagedBy } from '../../db/schema.js';

export const MIN_PASSWORD_LENGTH = 10;
/** Long enough for any passphrase, short enough that nobody makes the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * The argon2id hash of the public demo password "warroom-demo", as committed in examples/warroom.yaml.
 * Start-up compares stored hashes with this string instead of running a costly verify per user.
 */
export const DEMO_PASSWORD = 'warroom-demo';
export const DEMO_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$RPvqndFd+BFEdZcxgOLs7Q$wKi9f+Si2XKLfSKqznev/ltFkrk+qggeK6QQV3jcm9k';

// Verified when the user is unknown or has no password, so a miss costs as much as a wrong password.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$orym86vDBiguWVmU/xUIMw$DLY2JADqPCMtL9zllWk9SYfA6UHipx284BGHKNZ2M0g';

/** The library's defaults (argon2id, 19 MiB, t=2, p=1) are OWASP's recommended minimum. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Always runs one argon2 verify, also when there is no hash to check against. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DUMMY_HASH, password);
    return ok && passwordHash !== null;
  } catch {
    // A malformed stored hash is a wrong password, not a 500.
    return false;
  }
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `a password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/** Stores a hash and where it came from; the caller ends the user's sessions as it sees fit. */
export async function setPasswordHash(tx: Db, userId: string, passwordHash: string, setBy: ManagedBy, now: Date): Promise<void> {
  await tx.updateTable('users').set({ password_hash: passwordHash, password_set_by: setBy, updated_at: now }).where('id', '=', userId).execute();
}

/** Users whose stored hash is the committed demo hash: their password is public. */
export async function usersWithDemoPassword(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').where('password_hash', '=', DEMO_PASSWORD_HASH).orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** The user a login names, by id or email, case-insensitively; with the stored hash for the verify. */
export async function findUserByLogin(db: Db, login: string) {
  const wanted = login.trim().toLowerCase();
  const row = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'timezone', 'password_hash'])
    .where((eb) => eb.or([eb(eb.fn('lower', ['id']), '=', wanted), eb(eb.fn('lower', ['email']), '=', wanted)]))
    .orderBy('id')
    .executeTakeFirst();
  return row ?? null;
}
