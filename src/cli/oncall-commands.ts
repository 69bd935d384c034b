import type { Command } from 'commander';
import { parseDuration } from '../kernel/index.js';
import { callApi, clientOptions } from './api-client.js';

interface Simulation {
  policy: string | null;
  note: string | null;
  steps: { at: string; label: string; users: { user_id: string; reason: string; channels: { channel: string; at: string }[]; skipped: { channel: string; reason: string }[] }[] }[];
}

const connection = (command: Command) =>
  command.option('--url <url>', 'warroom base URL (default $WARROOM_URL)').option('--token <token>', 'API token (default $WARROOM_TOKEN)');

export function registerOncallCommands(program: Command): void {
  connection(program.command('whoisoncall [schedule]').description('who is on call now (or --at), per schedule').option('--at <iso>', 'a time, e.g. 2026-03-08T09:00:00-05:00')).action(
    async (schedule: string | undefined, opts) => {
      const query = opts.at ? `?at=${encodeURIComponent(opts.at)}` : '';
      const reply = await callApi<{ items: { schedule_id: string; name: string; user_ids: string[]; source: string; layer: string | null }[] }>(clientOptions(opts, true), 'GET', `/api/v1/oncall${query}`);
      const rows = reply.items.filter((i) => !schedule || i.schedule_id === schedule);
      if (!rows.length) return console.log(schedule ? `no schedule ${schedule}` : 'no schedules');
      for (const row of rows) console.log(`${row.schedule_id.padEnd(24)} ${row.user_ids.join(', ') || '(nobody)'}${row.source === 'override' ? ' [override]' : row.layer ? ` [${row.layer}]` : ''}`);
    },
  );

  connection(
    program
      .command('simulate')
      .description('who would be paged, when and how, for an incident on a service (nobody acknowledging)')
      .requiredOption('--service <id>', 'service id')
      .requiredOption('--severity <P0-P3>', 'severity')
      .option('--at <iso>', 'when the incident opens (default now)')
      .option('--json', 'print JSON'),
  ).action(async (opts) => {
    const sim = await callApi<Simulation>(clientOptions(opts, true), 'POST', '/api/v1/simulate', { service: opts.service, severity: opts.severity, ...(opts.at ? { at: opts.at } : {}) });
    if (opts.json) return console.log(JSON.stringify(sim, null, 2));
    if (sim.note) return console.log(sim.note);
    console.log(`policy ${sim.policy}`);
    for (const step of sim.steps) {
      console.log(`${step.at}  ${step.label}`);
      if (!step.users.length) console.log('    nobody');
      for (const user of step.users) {
        const channels = user.channels.map((c) => (c.at === step.at ? c.channel : `${c.channel}@${c.at.slice(11, 16)}`)).join(', ');
        console.log(`    ${user.user_id}: ${channels}  (${user.reason})${user.skipped.length ? `  skipped: ${user.skipped.map((s) => `${s.channel} (${s.reason})`).join(', ')}` : ''}`);
      }
    }
  });

  connection(program.command('lint').description('readiness check: coverage gaps, unreachable steps and people').option('--days <n>', 'how far ahead', '14')).action(async (opts) => {
    const reply = await callApi<{ findings: { level: string; subject: string; message: string }[] }>(clientOptions(opts, true), 'GET', `/api/v1/lint?days=${Number(opts.days)}`);
    if (!reply.findings.length) return console.log('no findings: everyone is reachable and every schedule is covered');
    for (const f of reply.findings) console.log(`${f.level.padEnd(7)} ${f.subject}: ${f.message}`);
    if (reply.findings.some((f) => f.level === 'error')) process.exitCode = 1;
  });

  const silence = program.command('silence').description('silences and maintenance windows');
  connection(
    silence
      .command('add')
      .description('silence pages matching every matcher')
      .requiredOption('-m, --matcher <m...>', 'service=checkout, severity=~P[23], cluster!=dev')
      .requiredOption('--for <duration>', 'how long, e.g. 2h')
      .requiredOption('--comment <text>', 'why')
      .option('--starts <iso>', 'start later (a maintenance window)'),
  ).action(async (opts) => {
    const start = opts.starts ? new Date(opts.starts) : new Date();
    const body = {
      matchers: opts.matcher as string[],
      ...(opts.starts ? { starts_at: start.toISOString(), kind: 'maintenance' } : {}),
      ends_at: new Date(start.getTime() + parseDuration(opts.for)).toISOString(),
      comment: opts.comment,
    };
    const reply = await callApi<{ id: string }>(clientOptions(opts, true), 'POST', '/api/v1/silences', body);
    console.log(`silence ${reply.id} until ${body.ends_at}`);
  });
  connection(silence.command('list').description('silences in force or to come')).action(async (opts) => {
    const reply = await callApi<{ items: { id: string; kind: string; matchers: { name: string; op: string; value: string }[]; starts_at: string; ends_at: string; comment: string }[] }>(clientOptions(opts, true), 'GET', '/api/v1/silences');
    if (!reply.items.length) return console.log('no silences');
    for (const s of reply.items) console.log(`${s.id}  ${s.kind}  ${s.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(' ')}  ${s.starts_at} → ${s.ends_at}  ${s.comment}`);
  });
  connection(silence.command('expire <id>').description('end a silence now')).action(async (id: string, opts) => {
    await callApi(clientOptions(opts, true), 'DELETE', `/api/v1/silences/${encodeURIComponent(id)}`);
    console.log(`silence ${id} expired`);
  });
}
