import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import type { Severity } from '../kernel/index.js';
import { DIGEST_TASK, composeDigest, loadUserContacts, planUserChannels, severityPolicies } from '../domain/notify/index.js';
import { defineJob, type JobDefinition } from '../queue/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { recipientOf } from './notify-incident.js';

const payload = z.object({ userId: z.string() });

/**
 * notify-digest: the pages a budget held back go out as one message on the user's first working
 * channel for warning-level pages (so a digest never rings a phone), or the built-in inbox.
 */
export function notifyDigestJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  return defineJob(DIGEST_TASK, (p) => payload.parse(p), async ({ userId }) => {
    // Send first, then mark: a failed or interrupted send leaves the rows unmarked for the retry.
    const batch = await deps.db
      .selectFrom('notifications as n')
      .innerJoin('incidents as i', 'i.id', 'n.incident_id')
      .select(['n.id', 'i.number', 'i.title', 'i.severity'])
      .where('n.user_id', '=', userId)
      .where('n.status', '=', 'digested')
      .where('n.digest_id', 'is', null)
      .orderBy('n.created_at')
      .execute();
    if (!batch.length) return;
    // The same held pages make the same key, so a retried digest is recognisably the same one.
    const digestId = uuidFromText(batch.map((b) => b.id).join(','));
    const contact = (await loadUserContacts(deps.db, [userId])).get(userId);
    if (!contact) return;
    const policy = { ...severityPolicies(deps.settings().notifications.severity_policy).P2, channels: [] };
    const plan = planUserChannels(contact, 'P2' as Severity, policy, deps.channels.available());
    // A digest is reading matter: chat or email first, the inbox last, never a ringing phone.
    const channel = plan.steps.find((s) => !['voice', 'sms', 'web'].includes(s.channel))?.channel ?? 'web';
    const sender = deps.channels.get(channel) ?? deps.channels.get('web');
    if (!sender) return;
    // One line per incident, however many channels its held page had.
    const incidents = [...new Map(batch.map((b) => [b.number, { number: b.number, title: b.title, severity: b.severity as Severity }])).values()];
    const doc = composeDigest(incidents, deps.settings().publicUrl);
    await sender.send(
      recipientOf(contact),
      doc,
      { idempotencyKey: `digest:${digestId}` },
    );
    await withTx(deps.db, (tx) =>
      tx
        .updateTable('notifications')
        .set({ digest_id: digestId, updated_at: deps.clock.now() })
        .where('id', 'in', batch.map((b) => b.id))
        .where('digest_id', 'is', null)
        .execute(),
    );
    deps.logger.info({ userId, pages: batch.length, channel: sender.channel }, 'budget digest sent');
  });
}

function uuidFromText(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
