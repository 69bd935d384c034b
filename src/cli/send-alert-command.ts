import type { Command } from 'commander';
import { callApi, clientOptions } from './api-client.js';

/** Sends a test alert in Alertmanager's webhook format, the way a real Alertmanager would. */
export function registerSendAlertCommand(program: Command): void {
  program
    .command('send-alert')
    .description('send a test alert (Alertmanager webhook format) to an integration key')
    .option('--url <url>', 'warroom base URL')
    .option('--key <key>', 'integration key', process.env.WARROOM_INTEGRATION_KEY ?? 'demo-checkout')
    .option('--name <alertname>', 'alertname label', 'WarroomTestAlert')
    .option('--severity <severity>', 'severity label (critical, warning, info)', 'critical')
    .option('--summary <text>', 'summary annotation', 'Test alert sent with warroom send-alert')
    .option('--label <k=v...>', 'extra labels', (value: string, all: string[] = []) => [...all, value])
    .option('--resolve', 'send it as resolved')
    .action(async (opts) => {
      const labels: Record<string, string> = { alertname: opts.name, severity: opts.severity };
      for (const pair of (opts.label as string[] | undefined) ?? []) {
        const [key, ...rest] = pair.split('=');
        if (!key || !rest.length) throw new Error(`--label wants key=value, got "${pair}"`);
        labels[key] = rest.join('=');
      }
      const now = new Date().toISOString();
      const status = opts.resolve ? 'resolved' : 'firing';
      const payload = {
        version: '4',
        status,
        receiver: 'warroom-cli',
        groupLabels: { alertname: opts.name },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: 'http://warroom-cli',
        alerts: [{ status, labels, annotations: { summary: opts.summary }, startsAt: now, endsAt: opts.resolve ? now : '0001-01-01T00:00:00Z' }],
      };
      const reply = await callApi<{ results: { outcome: string; incident: string | null; reason: string }[] }>(
        clientOptions(opts, false),
        'POST',
        `/api/v1/integrations/alertmanager/${encodeURIComponent(opts.key)}`,
        payload,
      );
      for (const r of reply.results) console.log(`${r.outcome}${r.incident ? ` ${r.incident}` : ''}: ${r.reason}`);
    });
}
