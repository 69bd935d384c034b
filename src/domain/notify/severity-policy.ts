import type { Severity } from '../../kernel/index.js';
import type { NotifyChannel, SeverityPolicyConfig } from '../../contracts/index.js';

export interface SeverityPolicy {
  channels: NotifyChannel[];
  mention: 'all' | 'oncall' | 'none';
  escalateAfterMs: number | null;
  recordOnly: boolean;
}

/** The design's notification policy per level: P0 IM + phone, @all, 300 s; P1 IM, @on-call, 900 s; P2 IM; P3 record only. */
export const DEFAULT_SEVERITY_POLICY: Record<Severity, SeverityPolicy> = {
  P0: { channels: ['im', 'voice'], mention: 'all', escalateAfterMs: 300_000, recordOnly: false },
  P1: { channels: ['im'], mention: 'oncall', escalateAfterMs: 900_000, recordOnly: false },
  P2: { channels: ['im'], mention: 'none', escalateAfterMs: null, recordOnly: false },
  P3: { channels: [], mention: 'none', escalateAfterMs: null, recordOnly: true },
};

export function severityPolicies(config: Partial<Record<Severity, SeverityPolicyConfig>>): Record<Severity, SeverityPolicy> {
  const merged = { ...DEFAULT_SEVERITY_POLICY };
  for (const [severity, policy] of Object.entries(config) as [Severity, SeverityPolicyConfig | undefined][]) {
    if (!policy) continue;
    merged[severity] = {
      channels: policy.channels,
      mention: policy.mention,
      escalateAfterMs: policy.escalate_after ?? DEFAULT_SEVERITY_POLICY[severity].escalateAfterMs,
      recordOnly: policy.record_only,
    };
  }
  return merged;
}

/** Budgets and user-rule urgencies group severities: P0/P1 critical, P2 warning, P3 info. */
export type SeverityClass = 'critical' | 'warning' | 'info';
export const severityClass = (severity: Severity): SeverityClass => (severity === 'P0' || severity === 'P1' ? 'critical' : severity === 'P2' ? 'warning' : 'info');
