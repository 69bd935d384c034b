import type { Team } from '../../api/types';
import type { Schedule } from './types';

/**
 * The schedule's team as the config names it (`schedules[].team`). Without one we infer it: a team
 * whose id starts the schedule id ("payments-primary" → payments), else the one team holding every
 * person in the rotation. Schedules that match neither are shown under "Other schedules".
 */
export function teamOfSchedule(schedule: Schedule | undefined, teams: Team[]): Team | null {
  if (!schedule) return null;
  const named = schedule.team ? teams.find((t) => t.id === schedule.team) : undefined;
  if (named) return named;
  const byPrefix = teams.find((t) => schedule.id === t.id || schedule.id.startsWith(`${t.id}-`));
  if (byPrefix) return byPrefix;
  const people = new Set(schedule.layers.flatMap((l) => l.users ?? []));
  if (!people.size) return null;
  const holding = teams.filter((t) => [...people].every((p) => t.members.includes(p)));
  return holding.length === 1 ? holding[0]! : null;
}

export interface TeamGroup<T> {
  team: Team | null;
  items: T[];
}

/** Items grouped by their schedule's team, teams in name order, the unknown group last. */
export function groupByTeam<T>(items: T[], scheduleOf: (item: T) => Schedule | undefined, teams: Team[]): TeamGroup<T>[] {
  const groups = new Map<string, TeamGroup<T>>();
  for (const item of items) {
    const team = teamOfSchedule(scheduleOf(item), teams);
    const key = team?.id ?? '';
    if (!groups.has(key)) groups.set(key, { team, items: [] });
    groups.get(key)!.items.push(item);
  }
  return [...groups.values()].sort((a, b) => (a.team ? (b.team ? a.team.name.localeCompare(b.team.name) : -1) : 1));
}
