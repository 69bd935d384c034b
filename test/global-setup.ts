import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { silentLogger } from '../src/kernel/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

/**
 * Tests run on real PostgreSQL: $DATABASE_URL when set, otherwise an embedded server started here.
 * One migrated template database is made once; each test file clones it (CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject) {
  let stopEmbedded: (() => Promise<void>) | null = null;
  let dataDir: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'warroom-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir, logger: silentLogger });
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const template = `warroom_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  const templateDb = connectDatabase(withDatabase(adminUrl, template), { max: 2 });
  await migrateToLatest(templateDb.db, templateDb.pool);
  await templateDb.close();

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`).catch(() => {});
    await admin.end();
    if (stopEmbedded) await stopEmbedded();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
