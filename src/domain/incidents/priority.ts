import type { Severity } from '../../kernel/index.js';
import type { Impact } from '../../contracts/index.js';

/** Scores from the design: severity 100/80/60/40 plus user impact 50/30/20/10. */
const SEVERITY_SCORE: Record<Severity, number> = { P0: 100, P1: 80, P2: 60, P3: 40 };
const IMPACT_SCORE: Record<Impact, number> = { all_users: 50, majority_users: 30, few_users: 20, no_users: 10 };

export function priorityScore(severity: Severity, impact: Impact): number {
  return SEVERITY_SCORE[severity] + IMPACT_SCORE[impact];
}

/** Time to acknowledge when no classification rule sets one. */
export const DEFAULT_RESPONSE_SLA_MS: Record<Severity, number> = {
  P0: 5 * 60_000,
  P1: 15 * 60_000,
  P2: 30 * 60_000,
  P3: 120 * 60_000,
};
