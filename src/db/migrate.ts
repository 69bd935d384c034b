import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import { Logger as WorkerLogger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import type { Db } from './database.js';
import * as core from './migrations/0001-core.js';
import * as oncall from './migrations/0002-oncall-escalation.js';
import * as chat from './migrations/0003-chat.js';
import * as warRooms from './migrations/0004-war-rooms.js';
import * as knowledge from './migrations/0005-knowledge-base.js';
import * as followups from './migrations/0006-action-items-decisions.js';
import * as webSessions from './migrations/0007-web-sessions.js';
import * as scheduleTeams from './migrations/0008-schedule-teams.js';

/** Migrations are listed in code, so they ship inside the package and run in a fixed order. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': core,
  '0002-oncall-escalation': oncall,
  '0003-chat': chat,
  '0004-war-rooms': warRooms,
  '0005-knowledge-base': knowledge,
  '0006-action-items-decisions': followups,
  '0007-web-sessions': webSessions,
  '0008-schedule-teams': scheduleTeams,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Db, pool: pg.Pool): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`migration ${name} failed: ${(error as Error | undefined)?.message ?? 'see logs'}`);
  }
  // graphile-worker keeps its own schema (graphile_worker.*) and its own migration table.
  await runWorkerMigrations({ pgPool: pool, logger: quietWorkerLogger });
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
export const quietWorkerLogger = new WorkerLogger(() => () => {});
