import type { OnCallAnswer, Schedule, ScheduleOverride } from './schedule-types.js';
import { compileSchedule, type CompiledSchedule } from './compiled-schedule.js';
import { shiftIndexAt } from './layer-rotation.js';
import { isWithinWindows } from './restriction-windows.js';

/**
 * Who is on call for `schedule` at `at`. Pure: the time is a parameter.
 *
 * Layers: the last layer active at `at` answers (PagerDuty semantics). A layer is active from its
 * first handoff on, whenever it has no restrictions or one of its windows contains `at`. The
 * rotation keeps turning while a layer is restricted: a window shows whoever's shift it is.
 *
 * Overrides (half-open [start, end)) then beat layers. One without `replaces` puts its user on
 * call alone; one with `replaces: X` stands in for X only while the layers put X on call.
 * `replaces` is matched against the layers' answer, never another override's, so a swap made of
 * two overrides works however they overlap and overrides cannot chain. Of the overrides that
 * apply, the one that started last wins (a later, more specific arrangement beats a standing
 * one); on equal starts the one later in `schedule.overrides` wins.
 */
export function whoIsOnCall(schedule: Schedule, at: Date): OnCallAnswer {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new Error('whoIsOnCall: `at` is an invalid Date');
  const fromLayers = layerAnswer(compileSchedule(schedule), ms);
  const override = winningOverride(schedule.overrides, ms, fromLayers);
  if (!override) return fromLayers;
  const userIds = override.replaces
    ? [...new Set(fromLayers.userIds.map((id) => (id === override.replaces ? override.userId : id)))]
    : [override.userId];
  return { userIds, source: 'override', layer: null };
}

function layerAnswer(compiled: CompiledSchedule, ms: number): OnCallAnswer {
  const { zone, layers } = compiled;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!layer) continue;
    const index = shiftIndexAt(layer.rotation, zone, ms);
    if (index === null) continue;
    if (layer.windows.length > 0 && !isWithinWindows(layer.windows, zone, ms)) continue;
    const user = layer.users[index % layer.users.length] as string;
    return { userIds: [user], source: 'layer', layer: layer.name };
  }
  return { userIds: [], source: 'none', layer: null };
}

function winningOverride(overrides: ScheduleOverride[], ms: number, fromLayers: OnCallAnswer): ScheduleOverride | null {
  let winner: ScheduleOverride | null = null;
  for (const o of overrides) {
    const start = o.start.getTime();
    if (!(start <= ms && ms < o.end.getTime())) continue;
    if (o.replaces && !fromLayers.userIds.includes(o.replaces)) continue;
    // `>=` lets the later entry win a tie on start.
    if (!winner || start >= winner.start.getTime()) winner = o;
  }
  return winner;
}
