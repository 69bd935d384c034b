import { createHash } from 'node:crypto';

/**
 * The Message-ID derives from the idempotency key alone, so a retried send carries the same
 * Message-ID as the first attempt: mail systems and clients that dedup on it (Gmail does) show one
 * message, and people can tell a resend from a new page. The key is hashed because keys may hold
 * characters a Message-ID may not ("notify:12:email").
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const digest = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 40);
  return `<warroom.${digest}@${domainOf(from)}>`;
}

function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? 'warroom.invalid';
}
