import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { hashPassword, passwordProblem } from '../domain/access/index.js';
import { ApiError, callApi, clientOptions } from './api-client.js';

/**
 * Reads a password from stdin: the whole of piped input (one trailing newline dropped), or one
 * line typed at a terminal without echo. Never from argv, where it would land in shell history.
 */
async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input: process.stdin, output: muted, terminal: true });
  const line = await new Promise<string>((resolve) => reader.once('line', resolve));
  reader.close();
  process.stderr.write('\n');
  return line;
}

async function readNewPassword(): Promise<string> {
  const password = await readPassword('new password: ');
  const problem = passwordProblem(password);
  if (problem) throw new ApiError(0, problem);
  return password;
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('web console passwords');

  users
    .command('hash-password')
    .description('read a password from stdin and print its argon2id hash, for users[].password_hash in warroom.yaml')
    .action(async () => {
      console.log(await hashPassword(await readNewPassword()));
    });

  users
    .command('set-password <user-id>')
    .description("read a password from stdin and set it as the user's password (needs an admin token); their sessions end")
    .option('--url <url>', 'warroom base URL (default $WARROOM_URL)')
    .option('--token <token>', 'API token (default $WARROOM_TOKEN)')
    .action(async (userId: string, opts: { url?: string; token?: string }) => {
      const client = clientOptions(opts, true);
      const password = await readNewPassword();
      await callApi(client, 'PUT', `/api/v1/users/${encodeURIComponent(userId)}/password`, { password });
      console.log(`password set for ${userId}; their web sessions have ended`);
    });
}
