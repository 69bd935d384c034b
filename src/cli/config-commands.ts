import type { Command } from 'commander';
import { connectDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { resolveDatabase } from '../db/resolve-database.js';
import { createLogger } from '../kernel/index.js';
import { applyConfig, formatChanges, loadConfigFile } from '../config/index.js';

/** Runs `work` against the configured database (DATABASE_URL or the embedded one), migrated. */
async function withDatabase<T>(work: (db: ReturnType<typeof connectDatabase>) => Promise<T>): Promise<T> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const resolved = await resolveDatabase(process.env, logger);
  const database = connectDatabase(resolved.url, { max: 2 });
  try {
    await migrateToLatest(database.db, database.pool);
    return await work(database);
  } finally {
    await database.close();
    await resolved.stop();
  }
}

export function registerConfigCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations')
    .action(async () => {
      await withDatabase(async () => console.log('database is at the latest schema'));
    });

  program
    .command('validate')
    .description('check warroom.yaml without touching any database')
    .requiredOption('-f, --file <file>', 'the config file')
    .action(async (opts: { file: string }) => {
      const config = await loadConfigFile(opts.file);
      console.log(`${opts.file} is valid: ${config.users.length} users, ${config.teams.length} teams, ${config.services.length} services`);
    });

  program
    .command('apply')
    .description('validate warroom.yaml and sync it to the database (idempotent)')
    .requiredOption('-f, --file <file>', 'the config file')
    .option('--dry-run', 'print the changes without writing them')
    .action(async (opts: { file: string; dryRun?: boolean }) => {
      const config = await loadConfigFile(opts.file);
      const result = await withDatabase((database) =>
        applyConfig(database.db, config, { dryRun: Boolean(opts.dryRun), actor: `cli:${process.env.USER ?? 'unknown'}`, now: new Date() }),
      );
      console.log(formatChanges(result.changes));
      if (opts.dryRun) console.log(result.changes.length ? `dry run: ${result.changes.length} change(s) not applied` : 'dry run');
      else if (result.applied) console.log(`applied ${result.changes.length} change(s)`);
    });
}
