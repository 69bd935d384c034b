import type { Db } from '../../db/database.js';
import { ValidationError, formatIncidentRef } from '../../kernel/index.js';
import { writeAudit } from '../access/index.js';
import { actorLabel, findIncident, recordTimeline } from '../incidents/index.js';
import type { FollowupContext } from './action-items.js';
import { followupDb, type FollowupSource } from './followup-tables.js';
import { escapeMarkdown, formatTime } from './markdown-text.js';

export interface Decision {
  id: string;
  incidentId: string;
  /** The actor label of who decided (user:alice, token:ci). */
  decidedBy: string;
  summary: string;
  rationale: string | null;
  alternatives: string[];
  decidedAt: Date;
  source: FollowupSource;
}

export interface NewDecision {
  /** The incident's uuid, "INC-42" or "42". */
  incidentId: string;
  summary: string;
  rationale?: string | null;
  alternatives?: string[];
  source: FollowupSource;
}

export const MAX_DECISION_LENGTH = 2000;

/** Records a decision with its timeline event and audit row, in the caller's transaction. */
export async function recordDecision(tx: Db, input: NewDecision, ctx: FollowupContext): Promise<Decision> {
  const summary = oneLine(input.summary);
  if (!summary) throw new ValidationError('summary: say what was decided');
  if (summary.length > MAX_DECISION_LENGTH) throw new ValidationError(`summary: at most ${MAX_DECISION_LENGTH} characters`);
  const rationale = input.rationale?.trim() || null;
  const alternatives = (input.alternatives ?? []).map(oneLine).filter(Boolean);
  const incident = await findIncident(tx, input.incidentId);
  const row = await followupDb(tx)
    .insertInto('decisions')
    .values({ incident_id: incident.id, decided_by: actorLabel(ctx.actor), summary, rationale, alternatives, decided_at: ctx.now, source: input.source })
    .returningAll()
    .executeTakeFirstOrThrow();
  const decision = toDecision(row);
  await recordTimeline(tx, [{
    incidentId: incident.id,
    at: ctx.now,
    kind: 'decision.recorded',
    actor: ctx.actor,
    summary: decisionTimelineSummary(decision),
    data: { decisionId: decision.id, summary, rationale, alternatives },
  }]);
  await writeAudit(tx, {
    at: ctx.now,
    actor: actorLabel(ctx.actor),
    action: 'decision.record',
    targetType: 'decision',
    targetId: decision.id,
    data: { incident: formatIncidentRef(incident.number), summary, rationale, alternatives, source: input.source },
    ip: ctx.actor.ip ?? null,
  });
  return decision;
}

/** An incident's decisions in the order they were taken. */
export async function listDecisions(db: Db, incidentId: string): Promise<Decision[]> {
  const rows = await followupDb(db).selectFrom('decisions').selectAll().where('incident_id', '=', incidentId).orderBy('decided_at').orderBy('id').execute();
  return rows.map(toDecision);
}

/** One timeline line: "Decision: roll back — why: pool config; alternatives: scale the db, disable the flag". */
export function decisionTimelineSummary(decision: Pick<Decision, 'summary' | 'rationale' | 'alternatives'>): string {
  const why = decision.rationale ? ` — why: ${oneLine(decision.rationale)}` : '';
  const alternatives = decision.alternatives.length ? `; alternatives: ${decision.alternatives.join(', ')}` : '';
  return `Decision: ${decision.summary}${why}${alternatives}`;
}

export interface DecisionFormatOptions {
  timeZone?: string;
  /** Display names by actor label or user id, so "user:alice" reads "Alice". */
  names?: ReadonlyMap<string, string>;
}

/** Pure: a decision as markdown lines for the war room (决策 / 原因 / 备选 / 决策者 / 时间). */
export function formatDecision(decision: Decision, options: DecisionFormatOptions = {}): string {
  const zone = options.timeZone ?? 'UTC';
  return [
    `🧠 **决策 Decision**: ${escapeMarkdown(decision.summary)}`,
    `**原因 Why**: ${decision.rationale ? escapeMarkdown(decision.rationale) : '无 none given'}`,
    `**备选 Alternatives**: ${decision.alternatives.length ? decision.alternatives.map(escapeMarkdown).join('; ') : '无 none'}`,
    `**决策者 By**: ${escapeMarkdown(displayName(decision.decidedBy, options.names))} · **时间 When**: ${formatTime(decision.decidedAt, zone)}${zone === 'UTC' ? ' UTC' : ''}`,
  ].join('\n');
}

/** Pure: the decision history as a markdown list, oldest first, for the room or a report. */
export function summariseDecisions(decisions: Decision[], options: DecisionFormatOptions = {}): string {
  if (!decisions.length) return '无重要决策记录 No decisions recorded.';
  const zone = options.timeZone ?? 'UTC';
  const sorted = [...decisions].sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
  return sorted
    .flatMap((d) => {
      const alternatives = d.alternatives.length ? `  - 备选 Alternatives: ${d.alternatives.map(escapeMarkdown).join('; ')}` : null;
      return [
        `- **${formatTime(d.decidedAt, zone)}** ${escapeMarkdown(d.summary)} — ${escapeMarkdown(displayName(d.decidedBy, options.names))}`,
        ...(d.rationale ? [`  - 原因 Why: ${escapeMarkdown(d.rationale)}`] : []),
        ...(alternatives ? [alternatives] : []),
      ];
    })
    .join('\n');
}

/** "user:alice" → the name of alice when known; other labels as they are. */
export function displayName(actor: string, names?: ReadonlyMap<string, string>): string {
  if (!names) return actor;
  return names.get(actor) ?? names.get(actor.replace(/^user:/, '')) ?? actor;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

const toDecision = (row: { id: string; incident_id: string; decided_by: string; summary: string; rationale: string | null; alternatives: string[]; decided_at: Date; source: FollowupSource }): Decision => ({
  id: row.id,
  incidentId: row.incident_id,
  decidedBy: row.decided_by,
  summary: row.summary,
  rationale: row.rationale,
  alternatives: row.alternatives,
  decidedAt: row.decided_at,
  source: row.source,
});
