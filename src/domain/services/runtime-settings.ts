import type { Db } from '../../db/database.js';
import { warroomConfigSchema, type ClassificationConfig, type NotificationsConfig, type WarRoomsConfig, type WarroomConfig } from '../../contracts/index.js';

export interface GroupingSettings {
  groupBy: string[];
  windowMs: number;
}

/** The parts of warroom.yaml that are behaviour rather than objects; stored as one settings row. */
export interface RuntimeSettings {
  publicUrl: string;
  autoCloseAfterMs: number;
  classification: ClassificationConfig;
  grouping: GroupingSettings;
  flapping: { windowMs: number; threshold: number };
  correlation: { windowMs: number; labels: string[] };
  notifications: NotificationsConfig;
  warRooms: WarRoomsConfig;
}

export const RUNTIME_SETTINGS_KEY = 'runtime';

export function runtimeSettingsFromConfig(config: WarroomConfig): RuntimeSettings {
  return {
    publicUrl: config.settings.public_url,
    autoCloseAfterMs: config.settings.auto_close_after,
    classification: config.classification,
    grouping: { groupBy: config.grouping.group_by, windowMs: config.grouping.window },
    flapping: { windowMs: config.grouping.flapping.window, threshold: config.grouping.flapping.threshold },
    correlation: { windowMs: config.correlation.window, labels: config.correlation.labels },
    notifications: config.notifications,
    warRooms: config.war_rooms,
  };
}

/** Defaults when no config was ever applied: the same as an empty warroom.yaml. */
export const defaultRuntimeSettings = (): RuntimeSettings => runtimeSettingsFromConfig(warroomConfigSchema.parse({}));

export async function loadRuntimeSettings(db: Db): Promise<RuntimeSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', RUNTIME_SETTINGS_KEY).executeTakeFirst();
  // Settings saved by an older version may lack newer sections; defaults fill them in.
  return row ? { ...defaultRuntimeSettings(), ...(row.value as Partial<RuntimeSettings>) } : defaultRuntimeSettings();
}

export async function saveRuntimeSettings(tx: Db, settings: RuntimeSettings): Promise<void> {
  await tx
    .insertInto('settings')
    .values({ key: RUNTIME_SETTINGS_KEY, value: JSON.stringify(settings) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(settings), updated_at: new Date() }))
    .execute();
}
