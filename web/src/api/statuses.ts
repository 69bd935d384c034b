import type { Severity } from './types';

export const SEVERITIES: Severity[] = ['P0', 'P1', 'P2', 'P3'];
export const OPEN_STATUSES = ['triggered', 'acknowledged', 'investigating', 'identified', 'containing', 'eradicating', 'recovering', 'monitoring'];
export const WORKING_STATUSES = OPEN_STATUSES.slice(1);
export const ALL_STATUSES = [...OPEN_STATUSES, 'resolved', 'closed'];

/** Severity colours from the chat cards: P0 red, P1 orange, P2 yellow, P3 blue. */
export const SEVERITY_COLOR: Record<Severity, string> = { P0: 'red', P1: 'orange', P2: 'yellow', P3: 'blue' };

export const STATUS_COLOR: Record<string, string> = {
  triggered: 'red',
  acknowledged: 'yellow',
  resolved: 'green',
  closed: 'gray',
};
export const statusColor = (status: string): string => STATUS_COLOR[status] ?? 'cyan';
export const isOpen = (status: string): boolean => OPEN_STATUSES.includes(status);
