import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { withTx, type Db } from '../../db/database.js';
import * as followupMigration from '../../db/migrations/0006-action-items-decisions.js';
import { declareIncident, type Actor } from '../incidents/index.js';
import { decisionTimelineSummary, formatDecision, listDecisions, parseDecisionText, recordDecision, summariseDecisions, type Decision } from './index.js';

let t: TestDatabase;
const now = new Date('2026-11-23T10:00:00Z');
const alice: Actor = { type: 'user', id: 'alice', ip: '10.0.0.9' };

async function ensureFollowupTables(db: Db): Promise<void> {
  const found = await sql<{ t: string | null }>`select to_regclass('decisions')::text as t`.execute(db);
  if (!found.rows[0]?.t) await followupMigration.up(db as never);
}

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureFollowupTables(t.db);
});
afterAll(async () => t?.drop());

const declare = () =>
  withTx(t.db, (tx) => declareIncident(tx, { title: 'DB pool exhausted', severity: 'P1', category: 'data', impact: 'few_users' }, { now, actor: alice, autoCloseAfterMs: 1 }));

describe('recordDecision', () => {
  it('stores what, why and alternatives with a timeline event and an audit row', async () => {
    const incident = await declare();
    const parsed = parseDecisionText('回滚到 v1.2 因为 v1.3 的连接池配置错误 备选: 扩容数据库; 关闭新功能')!;
    const decision = await withTx(t.db, (tx) => recordDecision(tx, { incidentId: `INC-${incident.number}`, ...parsed, source: 'chat' }, { now, actor: alice }));
    expect(decision).toMatchObject({ incidentId: incident.id, decidedBy: 'user:alice', summary: '回滚到 v1.2', rationale: 'v1.3 的连接池配置错误', alternatives: ['扩容数据库', '关闭新功能'], decidedAt: now, source: 'chat' });

    const event = await t.db.selectFrom('incident_events').select(['kind', 'actor', 'summary', 'data']).where('incident_id', '=', incident.id).where('kind', '=', 'decision.recorded').executeTakeFirstOrThrow();
    expect(event).toEqual({
      kind: 'decision.recorded',
      actor: 'user:alice',
      summary: 'Decision: 回滚到 v1.2 — why: v1.3 的连接池配置错误; alternatives: 扩容数据库, 关闭新功能',
      data: { decisionId: decision.id, summary: '回滚到 v1.2', rationale: 'v1.3 的连接池配置错误', alternatives: ['扩容数据库', '关闭新功能'] },
    });
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor', 'ip', 'target_type']).where('target_id', '=', decision.id).execute();
    expect(audit).toEqual([{ action: 'decision.record', actor: 'user:alice', ip: '10.0.0.9', target_type: 'decision' }]);
  });

  it('lists decisions in the order they were taken', async () => {
    const incident = await declare();
    for (const [minute, summary] of [[20, 'second'], [5, 'first'], [40, 'third']] as const) {
      await withTx(t.db, (tx) => recordDecision(tx, { incidentId: incident.id, summary, source: 'api' }, { now: new Date(now.getTime() + minute * 60_000), actor: alice }));
    }
    const decisions = await listDecisions(t.db, incident.id);
    expect(decisions.map((d) => [d.summary, d.rationale, d.alternatives])).toEqual([['first', null, []], ['second', null, []], ['third', null, []]]);
  });

  it.each([
    ['an empty summary', { summary: '  ' }, 400],
    ['a summary over 2000 characters', { summary: 'x'.repeat(2001) }, 400],
    ['an unknown incident', { incidentId: 'INC-424242' }, 404],
  ])('refuses %s', async (_name, override, status) => {
    const incident = await declare();
    await expect(withTx(t.db, (tx) => recordDecision(tx, { incidentId: incident.id, summary: 'ok', source: 'api', ...override }, { now, actor: alice }))).rejects.toMatchObject({ status });
  });

  it('blank rationale and empty alternatives are dropped', async () => {
    const incident = await declare();
    const decision = await withTx(t.db, (tx) => recordDecision(tx, { incidentId: incident.id, summary: ' keep   going ', rationale: '  ', alternatives: [' ', 'wait '], source: 'ui' }, { now, actor: alice }));
    expect([decision.summary, decision.rationale, decision.alternatives]).toEqual(['keep going', null, ['wait']]);
  });
});

const decision = (over: Partial<Decision> = {}): Decision => ({
  id: 'd', incidentId: 'i', decidedBy: 'user:alice', summary: 'Roll back to v1.2', rationale: 'pool config is wrong', alternatives: ['scale the db', 'disable the flag'],
  decidedAt: now, source: 'chat', ...over,
});

describe('formatting decisions', () => {
  it.each([
    ['a full decision, names resolved', decision(), { names: new Map([['alice', 'Alice']]) }, [
      '🧠 **决策 Decision**: Roll back to v1.2',
      '**原因 Why**: pool config is wrong',
      '**备选 Alternatives**: scale the db; disable the flag',
      '**决策者 By**: Alice · **时间 When**: 2026-11-23 10:00 UTC',
    ]],
    ['no rationale or alternatives, in Shanghai time', decision({ rationale: null, alternatives: [], decidedBy: 'token:ci' }), { timeZone: 'Asia/Shanghai' }, [
      '🧠 **决策 Decision**: Roll back to v1.2',
      '**原因 Why**: 无 none given',
      '**备选 Alternatives**: 无 none',
      '**决策者 By**: token:ci · **时间 When**: 2026-11-23 18:00',
    ]],
    ['markdown in user text is escaped', decision({ summary: 'use *fast* path | skip', alternatives: ['[a]'] }), {}, [
      '🧠 **决策 Decision**: use \\*fast\\* path \\| skip',
      '**原因 Why**: pool config is wrong',
      '**备选 Alternatives**: \\[a\\]',
      '**决策者 By**: user:alice · **时间 When**: 2026-11-23 10:00 UTC',
    ]],
  ])('formatDecision: %s', (_name, d, options, lines) => {
    expect(formatDecision(d, options).split('\n')).toEqual(lines);
  });

  it('summariseDecisions lists them oldest first with why and alternatives', () => {
    const later = decision({ summary: 'Scale out', rationale: null, alternatives: [], decidedAt: new Date(now.getTime() + 30 * 60_000) });
    expect(summariseDecisions([later, decision()]).split('\n')).toEqual([
      '- **2026-11-23 10:00** Roll back to v1.2 — user:alice',
      '  - 原因 Why: pool config is wrong',
      '  - 备选 Alternatives: scale the db; disable the flag',
      '- **2026-11-23 10:30** Scale out — user:alice',
    ]);
    expect(summariseDecisions([])).toBe('无重要决策记录 No decisions recorded.');
  });

  it.each([
    [{ summary: 'a', rationale: null, alternatives: [] }, 'Decision: a'],
    [{ summary: 'a', rationale: 'b\nc', alternatives: [] }, 'Decision: a — why: b c'],
    [{ summary: 'a', rationale: null, alternatives: ['x', 'y'] }, 'Decision: a; alternatives: x, y'],
  ])('decisionTimelineSummary(%j)', (d, expected) => {
    expect(decisionTimelineSummary(d)).toBe(expected);
  });
});
