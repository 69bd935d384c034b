import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/helpers/test-app.js';
import { verifyPassword } from '../domain/access/index.js';

const BIN = fileURLToPath(new URL('../../bin/warroom.js', import.meta.url));

/** Runs the real CLI with `input` on stdin, as a shell pipe would. */
function warroom(args: string[], input: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

let h: TestApp;
beforeAll(async () => {
  h = await startTestApp({ worker: false });
});
afterAll(async () => h?.close());

describe('warroom users', () => {
  it('hash-password prints an argon2id hash of the password on stdin', async () => {
    const run = await warroom(['users', 'hash-password'], 'piped-password-123\n');
    expect(run.code).toBe(0);
    const hash = run.stdout.trim();
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(await verifyPassword(hash, 'piped-password-123')).toBe(true);
    expect(run.stdout + run.stderr).not.toContain('piped-password-123');
  });

  it('hash-password refuses a short password', async () => {
    const run = await warroom(['users', 'hash-password'], 'short\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('at least 10 characters');
  });

  it('set-password sets it through the API, and the user can sign in with it', async () => {
    const run = await warroom(['users', 'set-password', 'bob'], 'bobs-cli-password\n', { WARROOM_URL: h.url, WARROOM_TOKEN: ADMIN_TOKEN });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('password set for bob');
    const login = await h.request('POST', '/api/v1/session', { token: null, body: { user: 'bob@example.com', password: 'bobs-cli-password' } });
    expect(login.status).toBe(200);
    const unknown = await warroom(['users', 'set-password', 'nobody'], 'bobs-cli-password\n', { WARROOM_URL: h.url, WARROOM_TOKEN: ADMIN_TOKEN });
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, 'error: 404: no user nobody']);
  });
});
