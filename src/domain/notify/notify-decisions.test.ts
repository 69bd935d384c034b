import { describe, expect, it } from 'vitest';
import { budgetDecision } from './budget.js';
import { planUserChannels, resolveChannel, type UserContact } from './notification-plan.js';
import { DEFAULT_SEVERITY_POLICY, severityPolicies } from './severity-policy.js';
import { matcherMatches, parseMatcher, silenceMatches } from './silence-matcher.js';

const ALL = new Set(['web', 'email', 'sms', 'voice', 'webhook', 'feishu', 'slack']);
const user = (over: Partial<UserContact> = {}): UserContact => ({
  id: 'u',
  email: 'u@example.com',
  phone: '+15550001111',
  webhookUrl: null,
  chatIds: {},
  rules: null,
  ...over,
});
const plan = (contact: UserContact, severity: 'P0' | 'P1' | 'P2' | 'P3', available = ALL) =>
  planUserChannels(contact, severity, DEFAULT_SEVERITY_POLICY[severity], available);

describe('planUserChannels', () => {
  it.each([
    ['P0 without rules: the policy channels plus the critical defaults, all at once', user(), 'P0', [['web', 0], ['voice', 0], ['sms', 0]]],
    ['P2 without rules: the warning defaults', user(), 'P2', [['web', 0], ['sms', 0], ['email', 0]]],
    ['P3 is record-only', user(), 'P3', []],
  ] as const)('%s', (_name, contact, severity, expected) => {
    expect(plan(contact, severity).steps.map((s) => [s.channel, s.delayMs])).toEqual(expected);
  });

  it("follows a user's own order and delays, with the policy's channels brought to the front", () => {
    const rules = { high: [{ channel: 'sms' as const, after: 0 }, { channel: 'voice' as const, after: 300_000 }] };
    expect(plan(user({ rules }), 'P1').steps).toEqual([
      { channel: 'web', delayMs: 0 },
      { channel: 'sms', delayMs: 0 },
      { channel: 'voice', delayMs: 300_000 },
    ]);
    // P0 forces voice at once, earlier than the user's own 5 minutes.
    expect(plan(user({ rules }), 'P0').steps.find((s) => s.channel === 'voice')!.delayMs).toBe(0);
  });

  it('drops channels that cannot reach the person and says why, never leaving them with nothing', () => {
    const result = plan(user({ phone: null, email: null }), 'P2', new Set(['web', 'sms', 'email']));
    expect(result.steps).toEqual([{ channel: 'web', delayMs: 0 }]);
    expect(result.skipped).toEqual([
      { channel: 'sms', reason: 'no phone number' },
      { channel: 'email', reason: 'no email address' },
    ]);
    expect(plan(user(), 'P1', new Set()).steps).toEqual([{ channel: 'web', delayMs: 0 }]);
  });

  it('resolves "im" to the first chat platform the person is on and warroom can send to', () => {
    expect(resolveChannel('im', user({ chatIds: { slack: 'U1', feishu: 'ou_1' } }), ALL)).toBe('feishu');
    expect(resolveChannel('im', user({ chatIds: { slack: 'U1', feishu: 'ou_1' } }), new Set(['slack']))).toBe('slack');
    expect(resolveChannel('im', user({ chatIds: { lark: 'ou_2' } }), new Set(['feishu']))).toBe('feishu');
    expect(resolveChannel('im', user(), ALL)).toBe('web');
    expect(resolveChannel('email', user(), ALL)).toBe('email');
  });
});

describe('budgetDecision', () => {
  const settings = { budgets: {}, exempt: [] as ('P0' | 'P1' | 'P2' | 'P3')[] };
  it.each([
    ['P1', 9, true],
    ['P1', 10, false],
    ['P2', 4, true],
    ['P2', 5, false],
    ['P3', 3, false],
  ] as const)('%s after %i pages this hour: allowed %s', (severity, sent, allowed) => {
    expect(budgetDecision(severity, sent, settings).allowed).toBe(allowed);
  });

  it('honours exemptions and configured limits', () => {
    expect(budgetDecision('P0', 500, { budgets: {}, exempt: ['P0'] }).allowed).toBe(true);
    expect(budgetDecision('P1', 2, { budgets: { critical: { limit: 2, windowMs: 60_000 } }, exempt: [] })).toEqual({
      allowed: false,
      budget: { limit: 2, windowMs: 60_000 },
    });
  });
});

describe('silence matchers', () => {
  const subject = { service: 'checkout', severity: 'P2', category: 'performance', labels: { cluster: 'prod-eu' } };
  it.each([
    ['service=checkout', true],
    ['service!=checkout', false],
    ['severity=~P[23]', true],
    ['severity!~P[23]', false],
    ['cluster=~prod-.*', true],
    ['cluster=~prod', false],
    ['missing=', true],
  ])('%s → %s', (text, expected) => {
    expect(matcherMatches(parseMatcher(text), subject)).toBe(expected);
  });

  it('needs every matcher, and an empty silence matches nothing', () => {
    expect(silenceMatches([parseMatcher('service=checkout'), parseMatcher('category=performance')], subject)).toBe(true);
    expect(silenceMatches([parseMatcher('service=checkout'), parseMatcher('category=data')], subject)).toBe(false);
    expect(silenceMatches([], subject)).toBe(false);
  });

  it('refuses malformed matchers and bad regexes with a reason', () => {
    expect(() => parseMatcher('just words')).toThrow(/is not a matcher/);
    expect(() => parseMatcher('service=~(')).toThrow(/not a valid regular expression/);
  });
});

describe('severityPolicies', () => {
  it('keeps the design defaults and lets config override one severity', () => {
    const merged = severityPolicies({ P2: { channels: ['email'], mention: 'none', record_only: false } });
    expect(merged.P0).toEqual(DEFAULT_SEVERITY_POLICY.P0);
    expect(merged.P2).toEqual({ channels: ['email'], mention: 'none', escalateAfterMs: null, recordOnly: false });
  });
});
