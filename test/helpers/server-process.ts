import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
export { freePort } from '../../src/db/embedded-postgres.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
}

/** Runs `warroom serve` as a real child process, the way `npm start` does. */
export async function startServerProcess(env: NodeJS.ProcessEnv, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/warroom.js', 'serve'], {
    cwd: REPO_ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`warroom exited during start-up:\n${output}`);
    try {
      const reply = await fetch(`${url}/healthz`);
      if (reply.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`warroom did not become healthy in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, output: () => output, exited };
}

/** The environment without DATABASE_URL, so the embedded PostgreSQL path is the one exercised. */
export function zeroConfigEnv(dataDir: string): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, WARROOM_CONFIG: _config, ...rest } = process.env;
  return { ...rest, WARROOM_DATA_DIR: dataDir };
}
