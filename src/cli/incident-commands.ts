import type { Command } from 'commander';
import { callApi, clientOptions } from './api-client.js';

interface IncidentSummary {
  ref: string;
  status: string;
  severity: string;
  service_id: string | null;
  title: string;
  created_at: string;
  alert_count: number;
}

const connection = (command: Command) =>
  command.option('--url <url>', 'warroom base URL (default $WARROOM_URL or http://127.0.0.1:$PORT)').option('--token <token>', 'API token (default $WARROOM_TOKEN)');

export function registerIncidentCommands(program: Command): void {
  const incidents = program.command('incidents').description('list and inspect incidents');
  connection(
    incidents
      .command('list')
      .description('list incidents, newest first')
      .option('--status <list>', 'comma-separated statuses, or "open"')
      .option('--severity <list>', 'comma-separated severities, e.g. P0,P1')
      .option('--service <list>', 'comma-separated service ids')
      .option('--limit <n>', 'how many', '20')
      .option('--json', 'print JSON'),
  ).action(async (opts) => {
    const query = new URLSearchParams();
    for (const key of ['status', 'severity', 'service', 'limit'] as const) if (opts[key]) query.set(key, opts[key]);
    const page = await callApi<{ items: IncidentSummary[] }>(clientOptions(opts, true), 'GET', `/api/v1/incidents?${query}`);
    if (opts.json) return console.log(JSON.stringify(page.items, null, 2));
    if (!page.items.length) return console.log('no incidents');
    for (const i of page.items) {
      console.log(`${i.ref.padEnd(8)} ${i.severity} ${i.status.padEnd(13)} ${(i.service_id ?? '-').padEnd(14)} ${String(i.alert_count).padStart(4)} alerts  ${i.title}`);
    }
  });

  for (const [name, action, description] of [
    ['ack', 'acknowledge', 'acknowledge an incident (stops escalation)'],
    ['resolve', 'resolve', 'resolve an incident'],
    ['reopen', 'reopen', 'reopen a resolved incident'],
  ] as const) {
    connection(program.command(`${name} <incident>`).description(description).option('--note <text>', 'a note for the timeline')).action(
      async (incident: string, opts) => {
        const result = await callApi<IncidentSummary>(clientOptions(opts, true), 'POST', `/api/v1/incidents/${encodeURIComponent(incident)}/${action}`, opts.note ? { note: opts.note } : {});
        console.log(`${result.ref} is now ${result.status}`);
      },
    );
  }
}
