import { z } from 'zod';
import { withTx } from '../db/database.js';
import type { MessageDoc } from '../contracts/index.js';
import { formatIncidentRef } from '../kernel/index.js';
import { loadUserContacts } from '../domain/notify/index.js';
import { defineJob, type JobDefinition } from '../queue/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';
import { recipientOf } from './notify-incident.js';

export const MENTION_DIGEST_TASK = 'mention-digest';
export const mentionDigestJobKey = (userId: string) => `mention-digest:${userId}`;
const payload = z.object({ userId: z.string() });

/**
 * The mentions a budget held back, as one message in the person's warroom inbox: which rooms
 * wanted them and why. Marked digested in the same transaction as the delivery is recorded.
 */
export function mentionDigestJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  return defineJob(MENTION_DIGEST_TASK, (p) => payload.parse(p), async ({ userId }) => {
    const now = deps.clock.now();
    await withTx(deps.db, async (tx) => {
      const held = await tx
        .selectFrom('mentions as m')
        .innerJoin('incidents as i', 'i.id', 'm.incident_id')
        .select(['m.id', 'm.reason', 'm.at', 'i.number', 'i.title', 'i.severity'])
        .where('m.user_id', '=', userId)
        .where('m.suppressed', '=', true)
        .where('m.digested_at', 'is', null)
        .orderBy('m.id')
        .forUpdate('m')
        .execute();
      const contact = (await loadUserContacts(tx, [userId])).get(userId);
      const sender = deps.channels.get('web');
      if (!held.length || !contact || !sender) return;
      const base = deps.settings().publicUrl.replace(/\/$/, '');
      const doc: MessageDoc = {
        kind: 'digest',
        title: `${held.length} war room mention${held.length === 1 ? '' : 's'} held back by your mention budget`,
        severity: held.map((h) => h.severity as MessageDoc['severity']).sort()[0] ?? 'P3',
        fields: held.slice(0, 20).map((h) => ({ label: `${formatIncidentRef(h.number)} ${h.title}`, value: `${h.reason} (${h.at.toISOString()})` })),
        links: [...new Set(held.map((h) => h.number))].slice(0, 10).map((n) => ({ label: formatIncidentRef(n), url: `${base}/incidents/${formatIncidentRef(n)}` })),
        actions: [],
        mentions: [],
        footer: held.length > 20 ? `and ${held.length - 20} more` : undefined,
      };
      await sender.send(recipientOf(contact), doc, { idempotencyKey: `mention-digest:${userId}:${held.at(-1)!.id}` });
      await tx.updateTable('mentions').set({ digested_at: now }).where('id', 'in', held.map((h) => h.id)).execute();
    });
  });
}
