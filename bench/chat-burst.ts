/**
 * A burst of P0 incidents announced in one Feishu chat, with phone pages, against the Feishu and
 * Twilio fakes: how fast cards go out against the 5/s per-chat limit, whether any breach the limit
 * or go missing, how long the phone pages wait meanwhile, and how changes fold into card edits.
 * Prints figures; asserts nothing.
 *
 *   node bin/run-ts.js bench/chat-burst.ts                      # embedded Postgres in a temp dir
 *   DATABASE_URL=postgres://… node bin/run-ts.js bench/chat-burst.ts
 *
 * BENCH_INCIDENTS (default 200), BENCH_ACKS (default 50: incidents acknowledged and then resolved at
 * once afterwards, to see edits fold).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startApp } from '../src/app.js';
import { silentLogger } from '../src/kernel/index.js';
import { startFakeFeishu } from '../src/providers/testing/fake-feishu.js';
import { startFakeTwilio } from '../src/providers/testing/fake-twilio.js';
import { openBenchDatabase } from './lib/bench-database.js';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 200);
const ACKS = Math.min(Number(process.env.BENCH_ACKS ?? 50), INCIDENTS);
const CHAT = 'oc_bench_storm';
const KEY = 'bench-chat-key-0001';
const TOKEN = 'bench-chat-admin-token';
const TWILIO_TOKEN = 'bench-twilio-auth-token';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${Math.round(n)} ms`;

const database = await openBenchDatabase(process.env, silentLogger);
const feishu = await startFakeFeishu({ appId: 'cli_bench', appSecret: 'bench-app-secret-001', chats: [{ chatId: CHAT, name: 'Storm' }] });
const twilio = await startFakeTwilio({ authToken: TWILIO_TOKEN });
const dir = await mkdtemp(join(tmpdir(), 'warroom-bench-chat-'));
const configPath = join(dir, 'warroom.yaml');
await writeFile(configPath, `
users:
  - { id: olga, name: Olga, phone: "+15551230009", role: admin, notification_rules: { high: [{ channel: voice }] } }
escalation_policies:
  - { id: storm, name: Storm, levels: [{ targets: [{ user: olga }], escalate_after: 30m }] }
services:
  - { id: checkout, name: Checkout, escalation_policy: storm, integration_keys: [{ key: ${KEY} }], chat_destinations: [{ provider: feishu, target: ${CHAT} }] }
notifications: { budget_exempt: [P0] }
war_rooms: { auto_open: { P0: false } }
channels:
  feishu: { app_id: cli_bench, app_secret: bench-app-secret-001, domain: "${feishu.url}", verification_token: vtok-bench-0001, timeout_ms: 5000 }
  twilio: { account_sid: ${twilio.accountSid}, auth_token: ${TWILIO_TOKEN}, from: "+15550000000", base_url: "${twilio.url}" }
api_tokens:
  - { name: admin, token: ${TOKEN}, role: admin, user: olga }
`);
const app = await startApp({ env: { ...process.env, DATABASE_URL: database.url }, port: 0, host: '127.0.0.1', configPath, logger: silentLogger });
const api = (method: string, path: string, body?: unknown) =>
  fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: body === undefined ? undefined : JSON.stringify(body) });
const waitFor = async (what: string, done: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

try {
  const posts = () => feishu.sends().filter((s) => s.receiveId === CHAT);
  const started = performance.now();
  const alerts = Array.from({ length: INCIDENTS }, (_, i) => ({ status: 'firing', labels: { alertname: `Storm${i}`, severity: 'disaster' }, annotations: {}, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '' }));
  const sent = await fetch(`${app.url}/api/v1/integrations/alertmanager/${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: '4', status: 'firing', receiver: 'warroom', groupKey: 'x', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', truncatedAlerts: 0, alerts }) });
  if (sent.status !== 200) throw new Error(`ingest answered ${sent.status}`);
  await waitFor('the phone pages', () => twilio.calls().length >= INCIDENTS, 120_000);
  const pagesDoneMs = performance.now() - started;
  const postedWhenPagesDone = posts().length;
  await waitFor('every card', () => posts().length >= INCIDENTS, 10 * 60_000);
  const cardsDoneMs = performance.now() - started;

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const delays = (await client.query<{ ms: number }>(`select extract(epoch from (n.sent_at - i.created_at)) * 1000 as ms from notifications n join incidents i on i.id = n.incident_id where n.channel = 'voice' and n.status = 'sent'`)).rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const cardTimes = posts().map((p) => p.at.getTime()).sort((a, b) => a - b);
  let maxInOneSecond = 0;
  for (let i = 0, j = 0; i < cardTimes.length; i += 1) {
    while (cardTimes[i]! - cardTimes[j]! >= 1000) j += 1;
    maxInOneSecond = Math.max(maxInOneSecond, i - j + 1);
  }

  // Fold: acknowledge then resolve ACKS incidents back to back; count the edits that follow.
  const incidents = (await client.query<{ number: number }>('select number from incidents order by number limit $1', [ACKS])).rows;
  const patchesBefore = feishu.patches().length;
  for (const { number } of incidents) {
    await api('POST', `/api/v1/incidents/INC-${number}/acknowledge`, {});
    await api('POST', `/api/v1/incidents/INC-${number}/resolve`, {});
  }
  await waitFor('the edits', () => feishu.patches().length - patchesBefore >= ACKS, 5 * 60_000);
  await new Promise((r) => setTimeout(r, 3000));
  const edits = feishu.patches().length - patchesBefore;
  await client.end();

  console.log(`chat burst: ${INCIDENTS} P0 incidents announced in one Feishu chat (${database.origin} Postgres ${database.settings.server_version ?? ''})`);
  console.log(`  cards posted          ${posts().length} of ${INCIDENTS} (${new Set(posts().map((p) => p.messageId)).size} distinct), duplicates ${posts().filter((p) => p.duplicate).length}`);
  console.log(`  rate-limit breaches   ${feishu.rateViolations().length} (the fake enforces 5 messages/s per chat)`);
  console.log(`  busiest second        ${maxInOneSecond} cards`);
  console.log(`  all cards out after   ${ms(cardsDoneMs)} → ${(INCIDENTS / (cardsDoneMs / 1000)).toFixed(2)} cards/s`);
  console.log(`  phone pages           ${delays.length} sent, all out after ${ms(pagesDoneMs)} (cards posted by then: ${postedWhenPagesDone})`);
  console.log(`  page delay            p50 ${ms(pct(delays, 50))}, p99 ${ms(pct(delays, 99))}, max ${ms(delays.at(-1) ?? NaN)}`);
  console.log(`  folding               ${ACKS} incidents acknowledged then resolved → ${edits} card edits (${(edits / (ACKS * 2)).toFixed(2)} per change)`);
} finally {
  await app.close();
  await feishu.close();
  await twilio.close();
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
