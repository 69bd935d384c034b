import type { Db } from '../../db/database.js';
import { formatDuration } from '../../kernel/index.js';
import { coverageGaps, listScheduleIds, loadSchedule } from '../oncall/index.js';
import { DEFAULT_SEVERITY_POLICY, loadUserContacts, planUserChannels } from '../notify/index.js';
import { loadPolicy, type EscalationPolicy } from './escalation-policy.js';

export interface LintFinding {
  level: 'error' | 'warning';
  subject: string;
  message: string;
}

/**
 * Warns before it matters: schedules with nobody on call, escalation steps that can reach nobody,
 * people with no working contact method, services that page no one.
 */
export async function lintReadiness(db: Db, now: Date, options: { days: number; availableChannels: ReadonlySet<string> }): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  const to = new Date(now.getTime() + options.days * 86_400_000);
  const scheduleCoverage = new Map<string, boolean>();
  for (const { id } of await listScheduleIds(db)) {
    const schedule = await loadSchedule(db, id, now, to);
    const gaps = coverageGaps(schedule, now, to);
    const covered = gaps.reduce((total, gap) => total - (gap.end.getTime() - gap.start.getTime()), to.getTime() - now.getTime());
    scheduleCoverage.set(id, covered > 0);
    if (covered <= 0) findings.push({ level: 'error', subject: `schedule ${id}`, message: `nobody is on call at any time in the next ${options.days} days` });
    else if (gaps.length) {
      const first = gaps[0]!;
      findings.push({ level: 'warning', subject: `schedule ${id}`, message: `${gaps.length} gap(s) with nobody on call in the next ${options.days} days, the first ${first.start.toISOString()} for ${formatDuration(first.end.getTime() - first.start.getTime())}` });
    }
  }

  const policies = await db.selectFrom('escalation_policies').select('id').execute();
  const referenced = new Set<string>();
  for (const { id } of policies) {
    const policy = (await loadPolicy(db, id)) as EscalationPolicy;
    const levels = [...policy.levels.map((l, i) => ({ label: `level ${i + 1}`, targets: l.targets, after: l.escalate_after })), { label: 'fallback', targets: policy.fallback, after: 0 }];
    for (const [index, level] of levels.entries()) {
      if (level.label === 'fallback' && !level.targets.length) continue;
      const reachable = await levelCanReach(db, level.targets, scheduleCoverage, referenced);
      if (!reachable) findings.push({ level: 'error', subject: `escalation policy ${id}`, message: `${level.label} can reach nobody (empty team, uncovered schedule or unknown users)` });
      if (level.after === 0 && index < policy.levels.length - 1) {
        findings.push({ level: 'warning', subject: `escalation policy ${id}`, message: `${level.label} escalates after 0s, so the next level is paged at the same moment` });
      }
    }
  }

  const contacts = await loadUserContacts(db, [...referenced]);
  for (const [userId, contact] of contacts) {
    const plan = planUserChannels(contact, 'P1', DEFAULT_SEVERITY_POLICY.P1, options.availableChannels);
    if (plan.steps.every((s) => s.channel === 'web')) {
      findings.push({ level: 'warning', subject: `user ${userId}`, message: `can be paged only in the warroom inbox: ${plan.skipped.map((s) => `${s.channel}: ${s.reason}`).join('; ') || 'no contact method'}` });
    }
  }

  const services = await db.selectFrom('services').select(['id', 'escalation_policy_id', 'escalation_by_severity']).execute();
  for (const service of services) {
    if (!service.escalation_policy_id && !Object.keys(service.escalation_by_severity).length) {
      findings.push({ level: 'warning', subject: `service ${service.id}`, message: 'has no escalation policy: its incidents page nobody' });
    }
  }
  return findings;
}

async function levelCanReach(db: Db, targets: EscalationPolicy['fallback'], coverage: Map<string, boolean>, referenced: Set<string>): Promise<boolean> {
  let reachable = false;
  for (const target of targets) {
    if ('user' in target) {
      referenced.add(target.user);
      reachable = true;
    } else if ('schedule' in target) {
      const schedule = await db.selectFrom('schedules').select('layers').where('id', '=', target.schedule).executeTakeFirst();
      for (const layer of (schedule?.layers ?? []) as { users: string[] }[]) layer.users.forEach((u) => referenced.add(u));
      if (coverage.get(target.schedule)) reachable = true;
    } else {
      const members = await db.selectFrom('team_members').select('user_id').where('team_id', '=', target.team).execute();
      members.forEach((m) => referenced.add(m.user_id));
      if (members.length) reachable = true;
    }
  }
  return reachable;
}
