/** Warroom's own severity scale, P0 (worst) to P3. */
export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ['infrastructure', 'application', 'security', 'performance', 'data', 'network'] as const;
export type Category = (typeof CATEGORIES)[number];

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** The worse (lower-numbered) of two severities. */
export const worseSeverity = (a: Severity, b: Severity): Severity => (severityRank(a) <= severityRank(b) ? a : b);

export const isSeverity = (value: unknown): value is Severity =>
  typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
