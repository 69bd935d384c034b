import type { Severity } from '../../kernel/index.js';
import { severityClass, type SeverityClass } from './severity-policy.js';

export interface Budget {
  limit: number;
  windowMs: number;
}

/** The design's mention/notification limits: 10, 5 and 3 per hour for critical, warning and info. */
export const DEFAULT_BUDGETS: Record<SeverityClass, Budget> = {
  critical: { limit: 10, windowMs: 3_600_000 },
  warning: { limit: 5, windowMs: 3_600_000 },
  info: { limit: 3, windowMs: 3_600_000 },
};

export interface BudgetSettings {
  budgets: Partial<Record<SeverityClass, Budget>>;
  exempt: Severity[];
}

/** Pure: may this user be paged again, given how many pages of this class they had in the window? */
export function budgetDecision(severity: Severity, sentInWindow: number, settings: BudgetSettings): { allowed: boolean; budget: Budget } {
  const budget = settings.budgets[severityClass(severity)] ?? DEFAULT_BUDGETS[severityClass(severity)];
  if (settings.exempt.includes(severity)) return { allowed: true, budget };
  return { allowed: sentInWindow < budget.limit, budget };
}

export const severitiesOfClass = (severity: Severity): Severity[] => {
  const cls = severityClass(severity);
  return (['P0', 'P1', 'P2', 'P3'] as const).filter((s) => severityClass(s) === cls);
};
