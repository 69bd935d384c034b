import { describe, expect, it } from 'vitest';
import { parseActionItemText, parseDecisionText, splitList } from './followup-text.js';

describe('parseDecisionText', () => {
  it.each([
    ['回滚到 v1.2 因为 v1.3 的连接池配置错误 备选: 扩容数据库; 关闭新功能', { summary: '回滚到 v1.2', rationale: 'v1.3 的连接池配置错误', alternatives: ['扩容数据库', '关闭新功能'] }],
    ['roll back to v1.2 because the pool config is wrong; alternatives: scale the db, disable the flag', { summary: 'roll back to v1.2', rationale: 'the pool config is wrong', alternatives: ['scale the db', 'disable the flag'] }],
    ['切换到备用机房 由于 主机房网络抖动', { summary: '切换到备用机房', rationale: '主机房网络抖动', alternatives: [] }],
    ['暂停发布，原因：错误率上升', { summary: '暂停发布', rationale: '错误率上升', alternatives: [] }],
    ['暂停发布 原因: 错误率上升 替代方案：灰度回退、限流／降级', { summary: '暂停发布', rationale: '错误率上升', alternatives: ['灰度回退', '限流／降级'] }],
    ['disable the flag since the fix needs a deploy. Options: hotfix / wait', { summary: 'disable the flag', rationale: 'the fix needs a deploy', alternatives: ['hotfix', 'wait'] }],
    ['扩容 备选: 限流，降级 因为 流量翻倍', { summary: '扩容', rationale: '流量翻倍', alternatives: ['限流', '降级'] }],
    ['Failover to the replica', { summary: 'Failover to the replica', rationale: null, alternatives: [] }],
    ['because it is late, stop here', { summary: 'because it is late, stop here', rationale: null, alternatives: [] }],
    ['restart the pods because', { summary: 'restart the pods', rationale: null, alternatives: [] }],
    ['keep the options open', { summary: 'keep the options open', rationale: null, alternatives: [] }],
    ['因为', { summary: '因为', rationale: null, alternatives: [] }],
    ['  多余   空格   因为   测试  ', { summary: '多余 空格', rationale: '测试', alternatives: [] }],
  ])('%s', (text, expected) => {
    expect(parseDecisionText(text)).toEqual(expected);
  });

  it.each(['', '   ', '。', '；'])('nothing to record in %j', (text) => {
    expect(parseDecisionText(text)).toBeNull();
  });

  it.each([
    ['a; b；c, d，e、f/g', ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
    [' a ;; ,b ', ['a', 'b']],
    ['', []],
  ])('splitList(%j)', (text, expected) => {
    expect(splitList(text)).toEqual(expected);
  });
});

describe('parseActionItemText', () => {
  // Monday 2026-11-23 10:00 UTC is 18:00 in Shanghai.
  const now = new Date('2026-11-23T10:00:00Z');
  const H = 3_600_000;
  const plus = (ms: number) => new Date(now.getTime() + ms);

  it.each([
    ['@alice 补充连接池监控 明天之前', 'Asia/Shanghai', { title: '补充连接池监控', assignee: 'alice', dueAt: new Date('2026-11-24T15:59:59.999Z'), dueText: '明天之前' }],
    ['add pool alerts @bob by 2h', 'UTC', { title: 'add pool alerts', assignee: 'bob', dueAt: plus(2 * H), dueText: 'by 2h' }],
    ['修复配置 due 4h', 'UTC', { title: '修复配置', assignee: null, dueAt: plus(4 * H), dueText: 'due 4h' }],
    ['修复配置 due in 30m', 'UTC', { title: '修复配置', assignee: null, dueAt: plus(H / 2), dueText: 'due in 30m' }],
    ['write the postmortem within 3 days', 'UTC', { title: 'write the postmortem', assignee: null, dueAt: plus(72 * H), dueText: 'within 3 days' }],
    ['rotate keys in 1h30m @ou_7f3a', 'UTC', { title: 'rotate keys', assignee: 'ou_7f3a', dueAt: plus(1.5 * H), dueText: 'in 1h30m' }],
    ['@张三 补充告警 2小时内', 'UTC', { title: '补充告警', assignee: '张三', dueAt: plus(2 * H), dueText: '2小时内' }],
    ['清理旧连接 30分钟以内', 'UTC', { title: '清理旧连接', assignee: null, dueAt: plus(H / 2), dueText: '30分钟以内' }],
    ['请@bob处理回滚 今天下班前', 'Asia/Shanghai', { title: '请处理回滚', assignee: 'bob', dueAt: new Date('2026-11-23T15:59:59.999Z'), dueText: '今天下班前' }],
    ['更新手册 截止后天', 'UTC', { title: '更新手册', assignee: null, dueAt: new Date('2026-11-25T23:59:59.999Z'), dueText: '截止后天' }],
    ['update the runbook by tomorrow', 'Europe/Berlin', { title: 'update the runbook', assignee: null, dueAt: new Date('2026-11-24T22:59:59.999Z'), dueText: 'by tomorrow' }],
    ['fix dashboards today', 'UTC', { title: 'fix dashboards', assignee: null, dueAt: new Date('2026-11-23T23:59:59.999Z'), dueText: 'today' }],
    ['<at user_id="ou_abc">Alice</at> 检查备份 by 2026-11-25', 'Asia/Shanghai', { title: '检查备份', assignee: 'ou_abc', dueAt: new Date('2026-11-25T15:59:59.999Z'), dueText: 'by 2026-11-25' }],
    ['<@U024BE7LH|lee> check replicas due 2026-11-24T09:30', 'Europe/Berlin', { title: 'check replicas', assignee: 'U024BE7LH', dueAt: new Date('2026-11-24T08:30:00Z'), dueText: 'due 2026-11-24T09:30' }],
    ['ship fix 2026-11-24T09:30:00Z', 'Asia/Shanghai', { title: 'ship fix', assignee: null, dueAt: new Date('2026-11-24T09:30:00Z'), dueText: '2026-11-24T09:30:00Z' }],
    ['补充监控', 'UTC', { title: '补充监控', assignee: null, dueAt: null, dueText: null }],
  ])('%s (%s)', (text, timeZone, expected) => {
    expect(parseActionItemText(text, { now, timeZone })).toEqual(expected);
  });

  it.each([
    ['email ops@example.com about the outage', { title: 'email ops@example.com about the outage', assignee: null }],
    ['排查今天的告警', { title: '排查今天的告警', assignee: null }],
    ['check today\'s errors in prod', { title: 'check today\'s errors in prod', assignee: null }],
    ['deploy in 2 regions', { title: 'deploy in 2 regions', assignee: null }],
    ['move 3 months of logs by 2mo', { title: 'move 3 months of logs by 2mo', assignee: null }],
    ['review due soon', { title: 'review due soon', assignee: null }],
    ['fix 2026-13-45 typo', { title: 'fix 2026-13-45 typo', assignee: null }],
  ])('leaves what it does not understand in the title: %s', (text, expected) => {
    expect(parseActionItemText(text, { now })).toEqual({ ...expected, dueAt: null, dueText: null });
  });

  it('only the first mention becomes the assignee', () => {
    expect(parseActionItemText('@alice pair with @bob on the fix', { now })).toMatchObject({ title: 'pair with @bob on the fix', assignee: 'alice' });
  });

  it('an unknown time zone falls back to UTC', () => {
    expect(parseActionItemText('x by today', { now, timeZone: 'Mars/Olympus' })?.dueAt).toEqual(new Date('2026-11-23T23:59:59.999Z'));
  });

  it.each(['', '@alice', '@alice 明天之前', 'by 2h'])('no title left in %j', (text) => {
    expect(parseActionItemText(text, { now })).toBeNull();
  });
});
