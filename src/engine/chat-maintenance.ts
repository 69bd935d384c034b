import { sql } from 'kysely';
import { pruneInboundEvents } from '../domain/chatops/index.js';
import { defineJob, pruneRateSlots, type JobDefinition } from '../queue/index.js';
import type { ChannelRegistry } from './channel-registry.js';
import type { EngineDeps } from './incident-jobs.js';

export const CHAT_MAINTENANCE_TASK = 'chat-maintenance';
/** Hourly: forget old inbound event ids and rate slots, and look up people's chat ids. */
export const CHAT_CRONTAB = `17 * * * * ${CHAT_MAINTENANCE_TASK} ?max=1`;
/** A person the directory did not know is asked again after this long (they may have joined since). */
const LOOKUP_AGAIN_MS = 24 * 3_600_000;

export function chatMaintenanceJob(deps: EngineDeps & { channels: ChannelRegistry }): JobDefinition {
  return defineJob(CHAT_MAINTENANCE_TASK, (p) => p, async () => {
    const now = deps.clock.now();
    await pruneInboundEvents(deps.db, now);
    await pruneRateSlots(deps.db, now);
    const found = await lookUpChatIds(deps, now);
    if (found) deps.logger.info({ found }, 'chat ids found by directory lookup');
  });
}

/**
 * Fills in chat ids people did not write in config, by email or mobile (Feishu batch_get_id, Slack
 * lookupByEmail…), so pages reach them on chat and their button presses are recognised.
 */
async function lookUpChatIds(deps: EngineDeps & { channels: ChannelRegistry }, now: Date): Promise<number> {
  let found = 0;
  for (const { chat } of deps.channels.chats()) {
    if (!chat.directory) continue;
    const keys = chat.platform === 'feishu' ? ['feishu', 'lark'] : [chat.platform];
    const people = await deps.db
      .selectFrom('users as u')
      .leftJoin('chat_identities as c', (join) => join.onRef('c.user_id', '=', 'u.id').on('c.platform', '=', chat.platform))
      .select(['u.id', 'u.email', 'u.phone'])
      .where((eb) => eb.and(keys.map((key) => eb(sql<string>`u.chat_ids ->> ${key}`, 'is', null))))
      .where((eb) => eb.or([eb('u.email', 'is not', null), eb('u.phone', 'is not', null)]))
      .where((eb) => eb.or([eb('c.looked_up_at', 'is', null), eb('c.looked_up_at', '<', new Date(now.getTime() - LOOKUP_AGAIN_MS))]))
      .limit(500)
      .execute();
    for (const person of people) {
      let externalId: string | null;
      try {
        externalId = await chat.directory.lookupUser({ email: person.email, mobile: person.phone });
      } catch (error) {
        deps.logger.warn({ platform: chat.platform, user: person.id, reason: (error as Error).message }, 'chat directory lookup failed; will try again next hour');
        break;
      }
      if (externalId) found += 1;
      await deps.db
        .insertInto('chat_identities')
        .values({ user_id: person.id, platform: chat.platform, external_id: externalId, looked_up_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'platform']).doUpdateSet({ external_id: externalId, looked_up_at: now }))
        .execute();
    }
  }
  return found;
}
