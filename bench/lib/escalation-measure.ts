import pg from 'pg';
import { LEVEL_1_STEP, LEVEL_2_STEP, SERVICES, level2User, phoneOf, serviceId } from './escalation-fleet.js';
import { percentile } from './report.js';
import type { CallRecord } from './twilio-thread.js';

export interface Spread {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

/** Everything a run reports about its level-2 burst; times in ms relative to the common due instant T. */
export interface BurstFigures {
  incidents: number;
  /** Calls for level-2 notifications: lateness of the first per incident, call time − T. */
  callLateness: Spread;
  /** notifications.sent_at − T, level-2 rows marked sent. */
  sentLateness: Spread;
  /** notifications.created_at − T: when the escalation-step handler ran (pickup + queueing). */
  stepLateness: Spread;
  /** sent_at − created_at: the notify-send job, from being enqueued to the call recorded as sent. */
  sendDelay: Spread;
  /** Level 1, for context: first level-1 call − incident created_at (time to first page in the storm). */
  level1Delay: Spread;
  /** Level-2 pages per second, from T to the last level-2 call. */
  pagesPerSecond: number;
  lost: number;
  duplicatedLevel1: number;
  duplicatedLevel2: number;
  /** Calls to a number that is not the incident's level-2 pager, or with no known notification. */
  misdirected: number;
  /** Level-2 notification rows by status (anything but "sent" explains a loss). */
  level2Statuses: Record<string, number>;
  /** Escalation rows by state after the burst. */
  escalationStates: Record<string, number>;
}

interface NotificationFact {
  id: string;
  incident_id: string;
  step: string;
  user_id: string;
  status: string;
  created_at: Date;
  sent_at: Date | null;
}

/**
 * Joins the fake's calls (by X-Warroom-Idempotency-Key, which is the notification id) to the
 * notification rows, and each incident to the user its service's policy names at level 2.
 */
export async function measureBurst(pool: pg.Pool, calls: CallRecord[], dueAt: number, lostAfterMs: number): Promise<BurstFigures> {
  const incidents = (await pool.query<{ id: string; service_id: string; created_at: Date }>(`select id, service_id, created_at from incidents where severity = 'P0'`)).rows;
  const notifications = (await pool.query<NotificationFact>('select id, incident_id, step, user_id, status, created_at, sent_at from notifications')).rows;
  const states = (await pool.query<{ state: string; n: number }>('select state, count(*)::int as n from escalations group by state')).rows;
  const byId = new Map(notifications.map((n) => [n.id, n]));
  const expectedPhone = new Map<string, string>();
  for (let k = 0; k < SERVICES; k += 1) expectedPhone.set(serviceId(k), phoneOf(level2User(k)));

  const callsPerIncident = { [LEVEL_1_STEP]: new Map<string, number>(), [LEVEL_2_STEP]: new Map<string, number>() };
  const firstLevel1Call = new Map<string, number>();
  const firstLevel2Call = new Map<string, number>();
  const serviceOf = new Map(incidents.map((i) => [i.id, i.service_id]));
  let misdirected = 0;
  let lastLevel2Call = dueAt;
  for (const call of calls) {
    const notification = call.key ? byId.get(call.key) : undefined;
    if (!notification || (notification.step !== LEVEL_1_STEP && notification.step !== LEVEL_2_STEP)) {
      misdirected += 1;
      continue;
    }
    const tally = callsPerIncident[notification.step as typeof LEVEL_1_STEP];
    tally.set(notification.incident_id, (tally.get(notification.incident_id) ?? 0) + 1);
    if (notification.step === LEVEL_1_STEP) {
      firstLevel1Call.set(notification.incident_id, Math.min(call.at, firstLevel1Call.get(notification.incident_id) ?? Infinity));
      continue;
    }
    if (call.to !== expectedPhone.get(serviceOf.get(notification.incident_id) ?? '')) {
      misdirected += 1;
      continue;
    }
    const first = firstLevel2Call.get(notification.incident_id);
    if (first === undefined || call.at < first) firstLevel2Call.set(notification.incident_id, call.at);
    lastLevel2Call = Math.max(lastLevel2Call, call.at);
  }

  const onTime = incidents.filter((i) => {
    const at = firstLevel2Call.get(i.id);
    return at !== undefined && at - dueAt <= lostAfterMs;
  });
  const level2 = notifications.filter((n) => n.step === LEVEL_2_STEP);
  const sent = level2.filter((n) => n.sent_at);
  const level2Statuses: Record<string, number> = {};
  for (const n of level2) level2Statuses[n.status] = (level2Statuses[n.status] ?? 0) + 1;
  const duplicated = (tally: Map<string, number>) => [...tally.values()].filter((count) => count > 1).length;
  return {
    incidents: incidents.length,
    callLateness: spread([...firstLevel2Call.values()].map((at) => at - dueAt)),
    sentLateness: spread(sent.map((n) => n.sent_at!.getTime() - dueAt)),
    stepLateness: spread(level2.map((n) => n.created_at.getTime() - dueAt)),
    sendDelay: spread(sent.map((n) => n.sent_at!.getTime() - n.created_at.getTime())),
    level1Delay: spread(incidents.flatMap((i) => (firstLevel1Call.has(i.id) ? [firstLevel1Call.get(i.id)! - i.created_at.getTime()] : []))),
    pagesPerSecond: firstLevel2Call.size / Math.max(0.001, (lastLevel2Call - dueAt) / 1000),
    lost: incidents.length - onTime.length,
    duplicatedLevel1: duplicated(callsPerIncident[LEVEL_1_STEP]),
    duplicatedLevel2: duplicated(callsPerIncident[LEVEL_2_STEP]),
    misdirected,
    level2Statuses,
    escalationStates: Object.fromEntries(states.map((s) => [s.state, s.n])),
  };
}

export function spread(values: number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  return {
    min: sorted.length ? sorted[0]! : Number.NaN,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    count: sorted.length,
  };
}

/** ms → "1.234 s" style seconds for the tables. */
export const seconds = (ms: number, digits = 2) => (Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : '-');
