import type { IANAZone } from 'luxon';
import type { Schedule } from './schedule-types.js';
import { compileRotation, type Rotation } from './layer-rotation.js';
import { compileRestriction, type DailyWindow } from './restriction-windows.js';
import { zoneNamed } from './zoned-time.js';

export interface CompiledLayer {
  name: string;
  users: string[];
  rotation: Rotation;
  /** Empty means always active. */
  windows: DailyWindow[];
}

export interface CompiledSchedule {
  zone: IANAZone;
  layers: CompiledLayer[];
}

/**
 * Parses every time in a schedule, throwing a clear Error on the first bad one. The calculators
 * compile on every call, so a bad restriction fails loudly even when another layer would answer.
 */
export function compileSchedule(schedule: Schedule): CompiledSchedule {
  const zone = zoneNamed(schedule.timezone);
  const layers = schedule.layers.map((layer) => {
    const where = `schedule "${schedule.id}", layer "${layer.name}"`;
    try {
      if (layer.users.length === 0) throw new Error('a layer needs at least one user');
      return {
        name: layer.name,
        users: layer.users,
        rotation: compileRotation(layer, zone),
        windows: layer.restrictions.map(compileRestriction),
      };
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
    }
  });
  return { zone, layers };
}

/** Checks a schedule without asking anything of it; throws what whoIsOnCall would throw. */
export function validateSchedule(schedule: Schedule): void {
  compileSchedule(schedule);
}
