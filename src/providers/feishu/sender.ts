import { PermanentError, RetryableError, type Logger } from '../../kernel/index.js';
import { encodeMessageRef, type ChannelSender, type DirectoryLookup, type Recipient, type UrgentLevel } from '../api.js';
import type { FeishuConfig } from './config.js';
import type { FeishuMessaging } from './messages.js';
import { feishuIdOf } from './render.js';

/**
 * Pages one person: the card goes to them directly (a 1:1 chat with the bot), then a page is
 * buzzed with the levels configured for its severity, each level once per call, in order. A
 * permanent buzz failure (no quota, user refused) is logged and the send still counts, since the
 * message itself arrived; the escalation policy's next step covers the missing call.
 *
 * A retryable buzz failure stops the call there and fails the whole send; nothing inside this
 * call is retried, so the levels that already rang are not rung again by it. The send is then
 * retried as a whole (a new call): it re-posts with the same uuid (Feishu hands back the same
 * message) and buzzes every level again from the first. Buzzing is therefore at-least-once per
 * level: a retried send re-rings levels that succeeded before the failure (Feishu has no
 * idempotency key for urgent calls, and nothing here survives between calls to remember them).
 */
export function createFeishuSender(
  settings: FeishuConfig,
  messaging: FeishuMessaging,
  directory: DirectoryLookup,
  logger: Logger,
): ChannelSender {
  return {
    channel: 'feishu',
    async send(to, doc, options) {
      const userId = await feishuUserOf(to, directory);
      const ref = await messaging.messenger.post({ kind: 'user', id: userId }, doc, options);
      const levels: UrgentLevel[] = doc.kind === 'page' ? (settings.urgent[doc.severity] ?? []) : [];
      // A Set: a level listed twice in the config still rings once.
      for (const level of [...new Set(levels)]) {
        try {
          const { invalidUserIds } = await messaging.urgent.urgent(ref, [userId], level);
          if (invalidUserIds.length) logger.warn({ level, recipient: to.userId }, 'feishu refused to buzz the recipient');
        } catch (error) {
          if (error instanceof RetryableError) throw error;
          const reason = error instanceof PermanentError ? error.reason : 'unknown error';
          logger.warn({ level, recipient: to.userId, reason }, 'feishu buzz failed; the message was delivered');
        }
      }
      return { externalId: encodeMessageRef(ref) };
    },
  };
}

/** The recipient's Feishu id, or one looked up by email or phone when warroom has none on file. */
async function feishuUserOf(to: Recipient, directory: DirectoryLookup): Promise<string> {
  const known = feishuIdOf(to.chatIds);
  if (known) return known;
  if (!to.email && !to.phone) throw new PermanentError(`recipient ${to.userId} has no Feishu id, email or phone`);
  const found = await directory.lookupUser({ email: to.email, mobile: to.phone });
  if (!found) throw new PermanentError(`recipient ${to.userId} is not in the Feishu directory`);
  return found;
}
