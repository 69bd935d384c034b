import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import type { Logger } from '../../src/kernel/index.js';

/** A scratch database on a durable server, dropped (and the server stopped, if ours) by close(). */
export interface BenchDatabase {
  url: string;
  name: string;
  origin: 'DATABASE_URL' | 'embedded';
  /** Durability settings as the server reports them (fsync, synchronous_commit…). */
  settings: Record<string, string>;
  close(): Promise<void>;
}

const DURABILITY_SETTINGS = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers'];

/** $DATABASE_URL when set; otherwise an embedded Postgres in a temporary directory. */
export async function openBenchDatabase(env: NodeJS.ProcessEnv, logger: Logger): Promise<BenchDatabase> {
  const server = env.DATABASE_URL ? await externalServer(env.DATABASE_URL) : await embeddedServer(logger);
  const name = `warroom_bench_${randomBytes(5).toString('hex')}`;
  try {
    await withClient(server.url, (client) => client.query(`create database ${name}`));
  } catch (error) {
    await server.stop();
    throw error;
  }
  const url = withDatabase(server.url, name);
  const settings = await withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'select name, setting, unit from pg_settings where name = any($1)',
      [DURABILITY_SETTINGS],
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.unit && row.unit !== 'ms' ? `${row.setting} × ${row.unit}` : row.setting]));
  });
  return {
    url,
    name,
    origin: env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
    settings,
    async close() {
      try {
        await withClient(server.url, (client) => client.query(`drop database if exists ${name} with (force)`));
      } finally {
        await server.stop();
      }
    },
  };
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function externalServer(url: string): Promise<Server> {
  return { url, stop: async () => {} };
}

async function embeddedServer(logger: Logger): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'warroom-bench-pg-'));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  try {
    const embedded = await startEmbeddedPostgres({ dataDir, logger });
    return {
      url: embedded.url,
      async stop() {
        await embedded.stop();
        await removeDir();
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
