/**
 * The people and services of the escalation bench. Service k's policy pages user 2k at level 1 and
 * user 2k+1 at level 2, so every incident's level-2 pager is known from its service alone.
 */
export const USERS = 50;
export const SERVICES = USERS / 2;
export const TWILIO_TOKEN = 'bench-escalation-twilio-token';
/** Step keys as escalation-planner's stepKey() writes them into notifications.step. */
export const LEVEL_1_STEP = 'c0l0';
export const LEVEL_2_STEP = 'c0l1';

const pad = (n: number) => String(n).padStart(2, '0');
export const userId = (n: number) => `u${pad(n)}`;
export const phoneOf = (n: number) => `+1555010${String(n).padStart(4, '0')}`;
export const serviceId = (k: number) => `svc-${pad(k)}`;
export const integrationKey = (k: number) => `bench-escalation-key-${pad(k)}`;
export const level1User = (k: number) => 2 * k;
export const level2User = (k: number) => 2 * k + 1;

/**
 * Each user's P0/P1 rule is one voice call at once, and the P0 severity policy's channels are only
 * [voice] (its default ['im', 'voice'] would add a page to the built-in inbox "web", because "im"
 * resolves to it for users without a chat id). So each level sends exactly one page: one call.
 *
 * escalate_after is 10 minutes so that no level 2 falls due by itself while the 1,000 incidents
 * are created and level 1 is paged; the bench then moves every level 2 to one common instant.
 * budget_exempt: each user is paged 40 times, and the default critical budget (10 an hour) would
 * hold 30 of them for a digest; a P0 storm is exactly what budgets must not swallow here.
 */
export function fleetConfig(twilio: { url: string; accountSid: string }): string {
  const users = Array.from({ length: USERS }, (_, n) =>
    `  - { id: ${userId(n)}, name: User ${pad(n)}, phone: "${phoneOf(n)}", notification_rules: { high: [{ channel: voice, after: 0m }] } }`,
  );
  const policies = Array.from({ length: SERVICES }, (_, k) => [
    `  - id: pair-${pad(k)}`,
    `    name: Pair ${pad(k)}`,
    '    levels:',
    `      - { targets: [{ user: ${userId(level1User(k))} }], escalate_after: 10m }`,
    `      - { targets: [{ user: ${userId(level2User(k))} }] }`,
  ].join('\n'));
  const services = Array.from({ length: SERVICES }, (_, k) =>
    `  - { id: ${serviceId(k)}, name: Service ${pad(k)}, owner: ${userId(level1User(k))}, escalation_policy: pair-${pad(k)}, integration_keys: [{ key: ${integrationKey(k)} }] }`,
  );
  return [
    'users:',
    ...users,
    'escalation_policies:',
    ...policies,
    'services:',
    ...services,
    'notifications:',
    '  severity_policy: { P0: { channels: [voice], escalate_after: 10m } }',
    '  budget_exempt: [P0]',
    'channels:',
    `  twilio: { account_sid: ${twilio.accountSid}, auth_token: ${TWILIO_TOKEN}, from: "+15550000000", base_url: "${twilio.url}" }`,
    '',
  ].join('\n');
}

/** An Alertmanager v4 notification for incident n: a distinct alertname, "critical" and "down", so it classifies P0. */
export function alertFor(n: number): object {
  const alertname = `BenchService${String(n).padStart(4, '0')}Down`;
  const labels = { alertname, severity: 'critical', instance: `host-${n}.bench.internal:9100` };
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'warroom',
    groupLabels: { alertname },
    commonLabels: labels,
    commonAnnotations: { summary: `service ${n} is down` },
    externalURL: 'http://alertmanager.bench.internal:9093',
    alerts: [{
      status: 'firing',
      labels,
      annotations: { summary: `service ${n} is down` },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.bench.internal:9090/graph',
    }],
  };
}
