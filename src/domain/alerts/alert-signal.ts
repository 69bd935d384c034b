/** One alert event in warroom's own terms, whatever webhook it came from. */
export type AlertSource = 'alertmanager' | 'grafana' | 'pagerduty' | 'generic';
export type AlertAction = 'trigger' | 'resolve' | 'acknowledge';

export interface AlertSignal {
  source: AlertSource;
  action: AlertAction;
  fingerprint: string;
  title: string;
  description: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The sender's own severity word ("critical", "warning"), mapped to P0–P3 by classification. */
  sourceSeverity: string | null;
  startsAt: Date;
  endsAt: Date | null;
  generatorUrl: string | null;
}

const ZERO_TIME_PREFIX = '0001-01-01';

/** Parses a sender's timestamp; Go's zero time and garbage both mean "unknown". */
export function parseSenderTime(value: string | undefined | null): Date | null {
  if (!value || value.startsWith(ZERO_TIME_PREFIX)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
