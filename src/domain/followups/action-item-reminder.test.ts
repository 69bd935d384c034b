import { describe, expect, it } from 'vitest';
import { actionItemReminderDoc, type ActionItemReminder } from './action-item-reminder.js';

const reminder = (overdue: boolean, assigneeUserId: string | null = 'bob'): ActionItemReminder => ({
  incidentId: 'inc', itemId: 'item', title: 'add pool alerts', assigneeUserId, dueAt: new Date('2026-11-23T12:00:00Z'), overdue,
});
const bob = { kind: 'user' as const, userId: 'bob', name: 'Bob', chatIds: { feishu: 'ou_bob' }, phone: null };

describe('actionItemReminderDoc', () => {
  it.each([
    ['due soon, for Bob in Shanghai', reminder(false), bob, 'Asia/Shanghai', '⏰ 行动项即将到期 Action item due soon: add pool alerts', 'Bob', '2026-11-23 20:00 (Asia/Shanghai, UTC+08:00)', 1],
    ['overdue, in UTC', reminder(true), bob, undefined, '⏰ 行动项已逾期 Action item overdue: add pool alerts', 'Bob', '2026-11-23 12:00 (UTC)', 1],
    ['unassigned: nobody to @mention', reminder(true, null), null, undefined, '⏰ 行动项已逾期 Action item overdue: add pool alerts', '未分配 unassigned', '2026-11-23 12:00 (UTC)', 0],
  ])('%s', (_name, r, assignee, timeZone, title, owner, due, mentions) => {
    const doc = actionItemReminderDoc(r, { incidentRef: 'INC-7', severity: 'P1', status: 'investigating', assignee, timeZone });
    expect(doc.title).toBe(title);
    expect(doc.fields).toEqual([{ label: '负责人 Owner', value: owner }, { label: '截止 Due', value: due }]);
    expect(doc.mentions).toHaveLength(mentions);
    expect(doc).toMatchObject({ kind: 'update', severity: 'P1', incidentRef: 'INC-7', status: 'investigating', actions: [] });
  });
});
