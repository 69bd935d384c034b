import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** A random secret for API tokens and integration keys: prefix makes leaked tokens recognisable. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** Secrets are stored only as this digest. SHA-256 fits: they are long and random, not passwords. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Shows enough of a secret to recognise it in a listing, never enough to use it. */
export function secretHint(secret: string): string {
  return secret.length <= 8 ? '…' : `${secret.slice(0, 4)}…${secret.slice(-2)}`;
}

export const formatIncidentRef = (number: number | string): string => `INC-${number}`;

/** Accepts "INC-42", "inc-42" or "42" and returns 42, or null when it is not a reference. */
export function parseIncidentRef(ref: string): number | null {
  const match = /^(?:inc-)?(\d{1,12})$/i.exec(ref.trim());
  return match ? Number(match[1]) : null;
}
