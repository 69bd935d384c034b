import { describe, expect, it } from 'vitest';
import { warroomConfigSchema } from '../../contracts/index.js';
import { mentionPlan } from './mention-plan.js';
import { mergeInvitees, type Invitee } from './room-invitees.js';
import { roomClassOf, roomName, shouldOpenRoom, statusCadenceMs } from './war-room-policy.js';

const config = warroomConfigSchema.parse({}).war_rooms;

describe('war room policy', () => {
  it.each([
    ['P0', 'checkout', 'INC-12', '🚨紧急-checkout-INC-12'],
    ['P1', 'payments-gateway-eu', 'INC-123456789', '⚠️警告-payments-g-INC-1234'],
    ['P2', null, 'INC-7', 'ℹ️信息-unknown-INC-7'],
    ['P0', '订单服务核心交易链路服务', 'INC-1', '🚨紧急-订单服务核心交易链路-INC-1'],
  ] as const)('%s %s %s → %s', (severity, service, ref, name) => {
    expect(roomName(severity, service, ref, config)).toBe(name);
  });

  it('P0 and P1 open rooms by default, P2 when configured, P3 never', () => {
    expect(['P0', 'P1', 'P2', 'P3'].map((s) => shouldOpenRoom(s as 'P0', config))).toEqual([true, true, false, false]);
    const p2 = warroomConfigSchema.parse({ war_rooms: { auto_open: { P2: true, P3: true } } }).war_rooms;
    expect(['P2', 'P3'].map((s) => shouldOpenRoom(s as 'P2', p2))).toEqual([true, false]);
  });

  it('status cadence is 5, 15 and 60 minutes by class, and configurable', () => {
    expect(['P0', 'P1', 'P2', 'P3'].map((s) => statusCadenceMs(s as 'P0', config) / 60_000)).toEqual([5, 15, 60, 60]);
    expect(roomClassOf('P1')).toBe('warning');
    expect(statusCadenceMs('P0', warroomConfigSchema.parse({ war_rooms: { status_cadence: { critical: '2m' } } }).war_rooms)).toBe(120_000);
  });
});

describe('invitees and mentions', () => {
  const invitees: Invitee[] = mergeInvitees([
    { userId: 'tina', kind: 'team', detail: 'team Payments' },
    { userId: 'alice', kind: 'on_call', detail: 'on call (Primary)' },
    { userId: 'bob', kind: 'owner', detail: 'owner of Checkout' },
    { userId: 'bob', kind: 'team', detail: 'team Payments' },
    { userId: 'dave', kind: 'expert', detail: 'worked on INC-3 (same alert)' },
    { userId: 'erin', kind: 'escalation', detail: 'paged by escalation (c0l1)' },
    { userId: 'fay', kind: 'invited', detail: 'invited by Alice' },
  ]);

  it('merges reasons per person and orders the closest first', () => {
    expect(invitees.map((i) => i.userId)).toEqual(['alice', 'erin', 'bob', 'fay', 'dave', 'tina']);
    expect(invitees.find((i) => i.userId === 'bob')!.reasons.map((r) => r.kind)).toEqual(['owner', 'team']);
  });

  it('critical mentions everyone relevant, warning the primary people (at most 3), info only the person on call', () => {
    const none = new Map<string, number>();
    expect(mentionPlan('critical', invitees, none, 10).mention.map((m) => m.userId)).toEqual(['alice', 'erin', 'bob', 'fay', 'dave', 'tina']);
    expect(mentionPlan('warning', invitees, none, 10).mention.map((m) => m.userId)).toEqual(['alice', 'erin', 'bob']);
    expect(mentionPlan('info', invitees, none, 10).mention.map((m) => m.userId)).toEqual(['alice']);
  });

  it('past the hourly budget a person is not @mentioned but kept for the digest, with the reason', () => {
    const used = new Map([['alice', 3], ['bob', 2]]);
    const plan = mentionPlan('critical', invitees, used, 3);
    expect(plan.mention.map((m) => m.userId)).not.toContain('alice');
    expect(plan.mention.map((m) => m.userId)).toContain('bob');
    expect(plan.suppressed).toEqual([{ userId: 'alice', reason: 'on call (Primary)' }]);
  });
});
