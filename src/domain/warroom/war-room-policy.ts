import type { Severity } from '../../kernel/index.js';
import type { WarRoomsConfig } from '../../contracts/index.js';

/** War rooms speak in three classes, after the seed: 🚨紧急 (P0), ⚠️警告 (P1), ℹ️信息 (P2, P3). */
export type RoomClass = 'critical' | 'warning' | 'info';
export const roomClassOf = (severity: Severity): RoomClass => (severity === 'P0' ? 'critical' : severity === 'P1' ? 'warning' : 'info');

const DEFAULT_AUTO_OPEN: Record<Severity, boolean> = { P0: true, P1: true, P2: false, P3: false };
const DEFAULT_NAMES: Record<RoomClass, string> = { critical: '🚨紧急-{service}-{id}', warning: '⚠️警告-{service}-{id}', info: 'ℹ️信息-{service}-{id}' };
const DEFAULT_CADENCE_MS: Record<RoomClass, number> = { critical: 300_000, warning: 900_000, info: 3_600_000 };
const DEFAULT_MENTION_BUDGET: Record<RoomClass, number> = { critical: 10, warning: 5, info: 3 };
export const MENTION_BUDGET_WINDOW_MS = 3_600_000;

/** P3 never gets a room, whatever the config says: it is recorded only. */
export const shouldOpenRoom = (severity: Severity, config: WarRoomsConfig): boolean =>
  severity !== 'P3' && (config.auto_open[severity] ?? DEFAULT_AUTO_OPEN[severity]);

/** "🚨紧急-checkout-INC-12": the service cut to 10 characters and the id to 8 (by characters, not bytes). */
export function roomName(severity: Severity, service: string | null, ref: string, config: WarRoomsConfig): string {
  const cls = roomClassOf(severity);
  const template = config.name_templates[cls] ?? DEFAULT_NAMES[cls];
  const cut = (text: string, n: number) => [...text].slice(0, n).join('');
  return template.replaceAll('{service}', cut(service ?? 'unknown', 10)).replaceAll('{id}', cut(ref, 8));
}

export const statusCadenceMs = (severity: Severity, config: WarRoomsConfig): number => {
  const cls = roomClassOf(severity);
  return config.status_cadence[cls] ?? DEFAULT_CADENCE_MS[cls];
};

export const mentionBudget = (cls: RoomClass, config: WarRoomsConfig): number => config.mention_budgets[cls] ?? DEFAULT_MENTION_BUDGET[cls];
