import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { formatIncidentRef } from '../../kernel/index.js';
import { describeStep, loadPolicy, resolveTargets, targetsAt } from '../escalation/index.js';
import { mergeInvitees, type Invitee, type InviteReason } from './room-invitees.js';

type Candidate = { userId: string; kind: InviteReason; detail: string };
const EXPERT_LOOKBACK_MS = 180 * 86_400_000;

/**
 * Everyone who belongs in an incident's room, with the reasons: on call now, reached by
 * escalation, the service owner, the team, experts from similar past incidents, and anyone
 * already invited by hand. Re-run when severity, service or escalation changes.
 */
export async function planInvitees(db: Db, incidentId: string, now: Date, experts: number): Promise<Invitee[]> {
  const incident = await db
    .selectFrom('incidents as i')
    .leftJoin('services as s', 's.id', 'i.service_id')
    .leftJoin('teams as t', 't.id', 's.team_id')
    .select(['i.id', 'i.service_id', 'i.category', 'i.metadata', 's.name as service_name', 's.owner_user_id', 's.team_id', 't.name as team_name'])
    .where('i.id', '=', incidentId)
    .executeTakeFirst();
  if (!incident) return [];
  const candidates: Candidate[] = [];
  const escalation = await db.selectFrom('escalations').select('policy_id').where('incident_id', '=', incidentId).executeTakeFirst();
  const policy = escalation ? await loadPolicy(db, escalation.policy_id) : null;
  if (policy) {
    for (const t of await resolveTargets(db, targetsAt(policy, { level: 0, cycle: 0, fallback: false }), now)) candidates.push({ userId: t.userId, kind: 'on_call', detail: `on call (${t.reason})` });
  }
  const paged = await db.selectFrom('notifications').select(['user_id', 'step']).distinct().where('incident_id', '=', incidentId).execute();
  for (const p of paged) candidates.push({ userId: p.user_id, kind: 'escalation', detail: `paged by escalation (${describeStep(p.step)})` });
  if (incident.owner_user_id) candidates.push({ userId: incident.owner_user_id, kind: 'owner', detail: `owner of ${incident.service_name ?? incident.service_id}` });
  if (incident.team_id) {
    const members = await db.selectFrom('team_members').select('user_id').where('team_id', '=', incident.team_id).execute();
    for (const m of members) candidates.push({ userId: m.user_id, kind: 'team', detail: `team ${incident.team_name ?? incident.team_id}` });
  }
  if (experts > 0) candidates.push(...(await findExperts(db, incident, now, experts)));
  const invited = await db.selectFrom('room_members').select(['user_id', 'reasons']).where('incident_id', '=', incidentId).where('invited_by', '!=', 'system').execute();
  for (const m of invited) candidates.push({ userId: m.user_id, kind: 'invited', detail: m.reasons[0] ?? 'invited' });
  return mergeInvitees(candidates);
}

/**
 * People who acknowledged, resolved or were most active in the most similar past incidents: the
 * same alert first, then the same service, then the same category.
 */
async function findExperts(db: Db, incident: { id: string; service_id: string | null; category: string; metadata: Record<string, unknown> }, now: Date, limit: number): Promise<Candidate[]> {
  const alertname = ((incident.metadata as { labels?: Record<string, string> }).labels ?? {}).alertname ?? null;
  const rows = await sql<{ user_id: string; number: number; why: string; score: number }>`
    with alike as (
      select i.id, i.number,
        case when ${alertname}::text is not null and i.metadata -> 'labels' ->> 'alertname' = ${alertname}::text then 'same alert'
             when i.service_id is not distinct from ${incident.service_id}::text then 'same service' else 'same category' end as why,
        (case when ${alertname}::text is not null and i.metadata -> 'labels' ->> 'alertname' = ${alertname}::text then 4 else 0 end
         + case when i.service_id is not distinct from ${incident.service_id}::text then 2 else 0 end
         + case when i.category = ${incident.category} then 1 else 0 end) as similarity
      from incidents i
      where i.id <> ${incident.id} and i.created_at > ${new Date(now.getTime() - EXPERT_LOOKBACK_MS)}
        and i.status in ('resolved', 'closed')
        and (i.service_id is not distinct from ${incident.service_id}::text or i.category = ${incident.category})
      order by similarity desc, i.created_at desc
      limit 20
    ),
    activity as (
      select s.number, s.why, s.similarity, substr(e.actor, 6) as user_id,
        sum(case when e.kind in ('status.acknowledged', 'status.resolved') then 3 else 1 end) as weight
      from alike s join incident_events e on e.incident_id = s.id
      where e.actor like 'user:%'
      group by s.number, s.why, s.similarity, e.actor
    )
    select a.user_id, (array_agg(a.number order by a.similarity desc, a.weight desc))[1] as number,
      (array_agg(a.why order by a.similarity desc, a.weight desc))[1] as why,
      sum(a.weight * (a.similarity + 1))::int as score
    from activity a join users u on u.id = a.user_id
    group by a.user_id
    order by score desc, a.user_id
    limit ${limit}
  `.execute(db);
  return rows.rows.map((r) => ({ userId: r.user_id, kind: 'expert' as const, detail: `worked on ${formatIncidentRef(r.number)} (${r.why})` }));
}

/** Unsuppressed @mentions per person in a class within the window, for the budget. */
export async function mentionsUsed(db: Db, userIds: string[], cls: string, since: Date): Promise<Map<string, number>> {
  if (!userIds.length) return new Map();
  const rows = await db
    .selectFrom('mentions')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', 'in', userIds)
    .where('severity_class', '=', cls)
    .where('suppressed', '=', false)
    .where('at', '>', since)
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}
