import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's package name for the binary; CI installs it with apt. Override with $ALERTMANAGER_BIN. */
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  url: string;
  /** POST /api/v2/alerts, as Prometheus does on every rule evaluation. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** Alerts it holds now, with the fingerprint it computed for each (GET /api/v2/alerts). */
  alerts(): Promise<{ fingerprint: string; labels: Record<string, string> }[]>;
  /** The tail of its log (warnings and errors, e.g. failed webhook deliveries). */
  logs(): string;
  stop(): Promise<void>;
}

export interface AlertmanagerOptions {
  webhookUrl: string;
  groupBy: string[];
}

/** A route that flushes fast enough for a test: new groups after 1s, changes within 1s. */
function configYaml({ webhookUrl, groupBy }: AlertmanagerOptions): string {
  return `
route:
  receiver: warroom
  group_by: [${groupBy.join(', ')}]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1m
receivers:
  - name: warroom
    webhook_configs:
      - url: ${JSON.stringify(webhookUrl)}
        send_resolved: true
`;
}

/**
 * Starts a real Alertmanager on a free local port and waits for /-/ready. A missing binary is a
 * failure, not a skip: a silently skipped integration test proves nothing.
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  try {
    await access(ALERTMANAGER_BIN, constants.X_OK);
  } catch {
    throw new Error(
      `Alertmanager binary not found at ${ALERTMANAGER_BIN}. Install it with ` +
        '`sudo apt-get install prometheus-alertmanager` (Debian/Ubuntu), or point $ALERTMANAGER_BIN at an alertmanager binary.',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'warroom-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, configYaml(options));

  // The free port can be taken between probe and bind (other test files run in parallel): retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(dir, configFile, port);
    } catch (error) {
      lastError = error;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch(dir: string, configFile: string, port: number): Promise<RunningAlertmanager> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, `data-${port}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty disables the gossip cluster, which otherwise binds :9094 and waits for peers.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  child.once('error', (error) => (output += `\nspawn failed: ${error.message}`));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // If the test worker dies without afterAll, do not leave an orphan Alertmanager behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForReady(url, child, () => output);
  } catch (error) {
    process.off('exit', killOnExit);
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    throw error;
  }

  return {
    url,
    stop,
    logs: () => (output.length < 8000 ? output : output.slice(output.indexOf('\n') + 1)),
    async alerts() {
      const response = await fetch(`${url}/api/v2/alerts`);
      if (!response.ok) throw new Error(`Alertmanager alert list failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { fingerprint: string; labels: Record<string, string> }[];
    },
    async postAlerts(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
    },
  };
}

async function waitForReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Alertmanager exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.status === 200, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Alertmanager did not answer ${url}/-/ready within 15s:\n${output()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
