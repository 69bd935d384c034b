import type { Db } from '../../db/database.js';
import type { EscalationTarget } from '../../contracts/index.js';
import { loadSchedule, whoIsOnCall } from '../oncall/index.js';

export interface ResolvedTarget {
  userId: string;
  reason: string;
}

/** Turns a level's targets into people at a moment: schedules through who is on call then. */
export async function resolveTargets(db: Db, targets: EscalationTarget[], at: Date): Promise<ResolvedTarget[]> {
  const found = new Map<string, string>();
  const add = (userId: string, reason: string) => {
    if (!found.has(userId)) found.set(userId, reason);
  };
  for (const target of targets) {
    if ('user' in target) add(target.user, 'named in the policy');
    else if ('schedule' in target) {
      const schedule = await loadSchedule(db, target.schedule, at, new Date(at.getTime() + 1));
      const answer = whoIsOnCall(schedule, at);
      for (const userId of answer.userIds) {
        add(userId, `on call in ${schedule.name}${answer.source === 'override' ? ' (override)' : answer.layer ? ` (${answer.layer})` : ''}`);
      }
    } else {
      const members = await db
        .selectFrom('team_members as m')
        .innerJoin('teams as t', 't.id', 'm.team_id')
        .select(['m.user_id', 't.name', 't.lead_user_id'])
        .where('m.team_id', '=', target.team)
        .execute();
      members.sort((a, b) => Number(b.user_id === b.lead_user_id) - Number(a.user_id === a.lead_user_id));
      for (const member of members) add(member.user_id, `member of team ${member.name}`);
    }
  }
  return [...found].map(([userId, reason]) => ({ userId, reason }));
}
