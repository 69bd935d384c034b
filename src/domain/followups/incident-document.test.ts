import { describe, expect, it } from 'vitest';
import { TO_BE_FILLED, buildIncidentDocument, type IncidentDocumentData } from './incident-document.js';
import { escapeMarkdown, formatTime, zoneLabel } from './markdown-text.js';
import type { ActionItem } from './action-item-queries.js';
import type { Decision } from './decisions.js';

const t = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`);

const item = (over: Partial<ActionItem>): ActionItem => ({
  id: 'i1', incidentId: 'inc', title: 'Add pool alerts', assigneeUserId: 'bob', assigneeName: 'Bob', dueAt: t('12:00'), status: 'open',
  createdBy: 'user:alice', source: 'chat', remindedAt: null, createdAt: t('10:20'), updatedAt: t('10:20'), doneAt: null, ...over,
});

const decision: Decision = {
  id: 'd1', incidentId: 'inc', decidedBy: 'user:alice', summary: 'Roll back to v1.2', rationale: 'pool config is wrong',
  alternatives: ['scale the db', 'disable the flag'], decidedAt: t('10:15'), source: 'chat',
};

function data(over: Partial<IncidentDocumentData> = {}): IncidentDocumentData {
  return {
    incident: {
      ref: 'INC-7', title: 'Checkout 5xx', description: 'Errors on /pay', severity: 'P1', status: 'resolved', category: 'application',
      impact: 'majority_users', alertCount: 3, createdAt: t('10:00'), acknowledgedAt: t('10:05'), resolvedAt: t('11:30'), closedAt: null,
    },
    service: { id: 'checkout', name: 'Checkout' },
    commander: 'Alice',
    participants: ['Alice', 'Bob'],
    events: [
      { at: t('10:00'), kind: 'incident.triggered', actor: 'integration:am', summary: 'Triggered by alertmanager', data: {} },
      { at: t('10:05'), kind: 'status.acknowledged', actor: 'user:alice', summary: 'Acknowledged by user:alice', data: {} },
      { at: t('10:10'), kind: 'note', actor: 'user:bob', summary: '根因：连接池上限 10', data: { text: '根因：连接池上限 10' } },
      { at: t('10:12'), kind: 'note', actor: 'user:bob', summary: 'looking at graphs', data: { text: 'looking at graphs' } },
      { at: t('11:30'), kind: 'status.resolved', actor: 'user:alice', summary: 'Resolved by user:alice: rolled back', data: { note: 'rolled back to v1.2' } },
    ],
    decisions: [decision],
    actionItems: [item({}), item({ id: 'i2', title: 'Write runbook', assigneeUserId: null, assigneeName: null, status: 'done', dueAt: t('20:00') })],
    names: new Map([['alice', 'Alice'], ['bob', 'Bob']]),
    generatedAt: t('13:00'),
    timeZone: 'UTC',
    ...over,
  };
}

const sectionOf = (doc: string, heading: string): string => {
  const start = doc.indexOf(`## ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = doc.indexOf('\n## ', start + 3);
  return doc.slice(start, next === -1 ? undefined : next);
};

describe('buildIncidentDocument', () => {
  it('has the template sections, in order, with bilingual headings', () => {
    const doc = buildIncidentDocument(data());
    expect(doc.startsWith('# 事件报告 Incident report INC-7: Checkout 5xx\n')).toBe(true);
    const headings = doc.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual([
      '## 基本信息 Basic info', '## 时间线 Timeline', '## 影响 Impact', '## 根因 Root cause', '## 解决方案 Resolution',
      '## 决策 Decisions', '## 后续行动 Follow-ups', '## 经验教训 Lessons learned',
    ]);
  });

  it('basic info carries times, duration and people', () => {
    const info = sectionOf(buildIncidentDocument(data()), '基本信息 Basic info');
    for (const line of [
      '- **编号 Ref**: INC-7', '- **严重程度 Severity**: P1', '- **状态 Status**: resolved', '- **服务 Service**: Checkout (checkout)',
      '- **开始 Started**: 2026-11-23 10:00', '- **确认 Acknowledged**: 2026-11-23 10:05', '- **解决 Resolved**: 2026-11-23 11:30',
      '- **持续时间 Duration**: 1h 30m', '- **负责人 Commander**: Alice', '- **参与者 Participants**: Alice, Bob',
    ]) expect(info).toContain(line);
    expect(info).not.toContain('关闭 Closed');
    const closed = data();
    closed.incident = { ...closed.incident, status: 'closed', closedAt: t('12:00') };
    expect(buildIncidentDocument(closed)).toContain('- **关闭 Closed**: 2026-11-23 12:00');
  });

  it('an open incident shows its duration so far and no resolve time', () => {
    const open = data();
    open.incident = { ...open.incident, status: 'investigating', resolvedAt: null };
    const info = sectionOf(buildIncidentDocument(open), '基本信息 Basic info');
    expect(info).toContain('- **解决 Resolved**: 未解决 not yet');
    expect(info).toContain('- **持续时间 Duration**: 3h (进行中 ongoing)');
  });

  it('the timeline is a table in time order with actors by name, in the chosen zone', () => {
    const shuffled = data({ timeZone: 'Asia/Shanghai' });
    shuffled.events = [...shuffled.events].reverse();
    const rows = sectionOf(buildIncidentDocument(shuffled), '时间线 Timeline').split('\n').filter((l) => l.startsWith('| 2026'));
    expect(rows).toEqual([
      '| 2026-11-23 18:00 | Triggered by alertmanager | integration:am |',
      '| 2026-11-23 18:05 | Acknowledged by user:alice | Alice |',
      '| 2026-11-23 18:10 | 根因：连接池上限 10 | Bob |',
      '| 2026-11-23 18:12 | looking at graphs | Bob |',
      '| 2026-11-23 19:30 | Resolved by user:alice: rolled back | Alice |',
    ]);
    expect(buildIncidentDocument(shuffled)).toContain('Asia/Shanghai, UTC+08:00');
  });

  it('impact lists scope, alert count, service and description', () => {
    const impact = sectionOf(buildIncidentDocument(data()), '影响 Impact');
    expect(impact).toContain('- **影响范围 Scope**: 多数用户 Most users');
    expect(impact).toContain('- **告警数 Alerts**: 3');
    expect(impact).toContain('- **受影响服务 Affected service**: Checkout');
    expect(impact).toContain('- **描述 Description**: Errors on /pay');
  });

  it('root cause and resolution come from marked notes and the resolve note', () => {
    const doc = buildIncidentDocument(data());
    expect(sectionOf(doc, '根因 Root cause')).toContain('- 连接池上限 10');
    expect(sectionOf(doc, '根因 Root cause')).not.toContain('looking at graphs');
    expect(sectionOf(doc, '解决方案 Resolution')).toContain('- rolled back to v1.2');
  });

  it('missing root cause, resolution and lessons say 待补充', () => {
    const bare = data({ events: [], decisions: [], actionItems: [] });
    const doc = buildIncidentDocument(bare);
    for (const heading of ['根因 Root cause', '解决方案 Resolution', '经验教训 Lessons learned']) {
      expect(sectionOf(doc, heading)).toContain(`- ${TO_BE_FILLED}`);
    }
    expect(sectionOf(doc, '时间线 Timeline')).toContain('无事件 No events.');
    expect(sectionOf(doc, '决策 Decisions')).toContain('无重要决策记录');
    expect(sectionOf(doc, '后续行动 Follow-ups')).toContain('无行动项 No action items.');
  });

  it('decisions show what, why, alternatives and who', () => {
    const section = sectionOf(buildIncidentDocument(data()), '决策 Decisions');
    expect(section).toContain('- **2026-11-23 10:15** Roll back to v1.2 — Alice');
    expect(section).toContain('  - 原因 Why: pool config is wrong');
    expect(section).toContain('  - 备选 Alternatives: scale the db; disable the flag');
  });

  it('follow-ups list each item with owner, due and status; overdue open items are marked', () => {
    const rows = sectionOf(buildIncidentDocument(data()), '后续行动 Follow-ups').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.includes('Action item'));
    expect(rows).toEqual([
      '| Add pool alerts | Bob | 2026-11-23 12:00 | 进行中 open ⚠️ 逾期 overdue |',
      '| Write runbook | 未分配 unassigned | 2026-11-23 20:00 | 已完成 done |',
    ]);
  });

  it('escapes markdown in user text so it cannot break tables or add markup', () => {
    const hostile = data();
    hostile.incident = { ...hostile.incident, title: '*500s* on [pay](http://x) | <script>' };
    hostile.events = [{ at: t('10:00'), kind: 'note', actor: 'user:bob', summary: 'a | b\n# not a heading', data: { text: 'a | b\n# not a heading' } }];
    hostile.actionItems = [item({ title: 'fix `pool` | now_ok' })];
    const doc = buildIncidentDocument(hostile);
    expect(doc).toContain('# 事件报告 Incident report INC-7: \\*500s\\* on \\[pay\\](http://x) \\| \\<script\\>');
    expect(doc).toContain('| 2026-11-23 10:00 | a \\| b \\# not a heading | Bob |');
    expect(doc).toContain('| fix \\`pool\\` \\| now\\_ok | Bob |');
    // Every table row still has exactly its columns: no unescaped pipe inside a cell.
    for (const row of doc.split('\n').filter((l) => l.startsWith('| '))) {
      const cells = row.replace(/\\\|/g, '').split('|').length - 2;
      expect([3, 4]).toContain(cells);
    }
  });
});

describe('markdown text helpers', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a*b*_c_', 'a\\*b\\*\\_c\\_'],
    ['x | y', 'x \\| y'],
    ['line one\n\nline two', 'line one line two'],
    ['- not a list', '\\- not a list'],
    ['1. not a list', '1\\. not a list'],
    ['<b>html</b>', '\\<b\\>html\\</b\\>'],
    ['v1.2 (beta) - ok', 'v1.2 (beta) - ok'],
    ['回滚到 v1.2', '回滚到 v1.2'],
  ])('escapeMarkdown(%j) → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it.each([
    ['UTC', '2026-11-23 10:00', 'UTC'],
    ['Asia/Shanghai', '2026-11-23 18:00', 'Asia/Shanghai, UTC+08:00'],
    ['America/New_York', '2026-11-23 05:00', 'America/New_York, UTC-05:00'],
    ['Not/AZone', '2026-11-23 10:00', 'UTC'],
  ])('times in %s', (zone, expectedTime, expectedLabel) => {
    expect(formatTime(t('10:00'), zone)).toBe(expectedTime);
    expect(zoneLabel(zone, t('10:00'))).toBe(expectedLabel);
  });
});
