import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, freePort, startServerProcess, zeroConfigEnv, type ServerProcess } from '../helpers/server-process.js';

const run = promisify(execFile);
const dataDir = await mkdtemp(join(tmpdir(), 'warroom-zero-config-'));
const env = zeroConfigEnv(dataDir);
let server: ServerProcess | null = null;

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  // A SIGKILLed server leaves its Postgres running by design; stop it so the temp dir can go.
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number((await import('node:fs')).readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
    for (let i = 0; i < 100 && existsSync(pidFile); i += 1) await new Promise((r) => setTimeout(r, 100));
  }
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

const cli = (...args: string[]) =>
  run(process.execPath, ['bin/warroom.js', ...args], { cwd: REPO_ROOT, env: { ...env, WARROOM_TOKEN: 'demo-admin-token' } });

describe('zero-config start: no DATABASE_URL, embedded PostgreSQL, demo config', () => {
  it('boots, ingests, survives SIGTERM and SIGKILL restarts with its data', { timeout: 180_000 }, async () => {
    const port = await freePort();
    server = await startServerProcess(env, port);
    expect(server.output()).toContain('initialising embedded PostgreSQL cluster');
    expect(server.output()).toContain('DEMO SECRET IN USE');

    const sent = await cli('send-alert', '--url', server.url, '--name', 'ZeroConfigAlert', '--label', 'cluster=demo');
    expect(sent.stdout).toMatch(/^created INC-1: opened a new incident/);
    const listed = await cli('incidents', 'list', '--url', server.url);
    expect(listed.stdout).toContain('ZeroConfigAlert');

    // SIGTERM: graceful exit 0, and the Postgres it started is stopped too.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // Restart on the same data directory: no new cluster, the incident is still there.
    server = await startServerProcess(env, port);
    expect(server.output()).not.toContain('initialising embedded PostgreSQL cluster');
    const ack = await cli('ack', 'INC-1', '--url', server.url, '--note', 'on it');
    expect(ack.stdout).toBe('INC-1 is now acknowledged\n');

    // SIGKILL: Postgres outlives the process; the next start reuses it and nothing is lost.
    server.child.kill('SIGKILL');
    await server.exited;
    server = await startServerProcess(env, port);
    expect(server.output()).toContain('reusing embedded PostgreSQL');
    const after = await cli('incidents', 'list', '--url', server.url, '--json');
    expect(JSON.parse(after.stdout)[0]).toMatchObject({ ref: 'INC-1', status: 'acknowledged' });
    const resolved = await cli('resolve', 'INC-1', '--url', server.url);
    expect(resolved.stdout).toBe('INC-1 is now resolved\n');

    // The adopted Postgres is stopped by the next graceful shutdown.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});
