import type { Db } from '../db/database.js';
import { PermanentError, RetryableError } from '../kernel/index.js';
import type { RateRule } from '../providers/api.js';
import { claimSendGap, pushBackSlots, reserveSlot } from '../queue/index.js';

/** Margin over the documented rate, so clock jitter between workers never tips us over it. */
const SAFETY = 1.15;

/**
 * Takes the job's send slot: the one it already holds (rescheduled to it), or a new reservation;
 * then checks the real gap since the last send (and any platform block). Call it last before the
 * commit that precedes the send. Returns null to send now, or the time to come back.
 */
export async function takeSlot(tx: Db, rule: RateRule, held: string | undefined, clock: () => Date): Promise<Date | null> {
  const interval = Math.ceil(rule.intervalMs * SAFETY);
  if (!held) {
    const now = clock();
    const slot = await reserveSlot(tx, rule.key, interval, now);
    if (slot.getTime() > now.getTime() + 20) return slot;
  }
  return claimSendGap(tx, rule.key, interval, clock);
}

const BACKOFF_MS = [2_000, 10_000, 30_000, 120_000, 300_000];

/** What to do after a failed chat call: when to try again (null = give up), and why. */
export async function afterChatFailure(db: Db, rule: RateRule, error: unknown, attempt: number, maxAttempts: number, now: Date): Promise<{ retryAt: Date | null; reason: string }> {
  const reason = error instanceof RetryableError || error instanceof PermanentError ? error.reason : `unexpected error (${(error as Error)?.name ?? 'unknown'})`;
  if (error instanceof PermanentError || attempt >= maxAttempts) return { retryAt: null, reason };
  const hint = error instanceof RetryableError ? (error.retryAfterMs ?? 0) : 0;
  // The platform's "slow down" applies to everyone sending there, not just this job.
  if (hint) await pushBackSlots(db, rule.key, new Date(now.getTime() + hint));
  const wait = Math.max(BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)]!, hint);
  return { retryAt: new Date(now.getTime() + wait), reason };
}
