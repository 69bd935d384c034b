import { sql } from 'kysely';
import { parseDuration } from '../../src/kernel/index.js';
import { startFakeSmtp, type FakeSmtp } from '../../src/providers/testing/fake-smtp.js';
import { startFakeTwilio, type FakeTwilio } from '../../src/providers/testing/fake-twilio.js';
import { CHECKOUT_KEY, alertmanagerPayload, startTestApp, type TestApp } from './test-app.js';
import { waitUntil } from './wait-until.js';

export const TWILIO_TOKEN = 'twilio-auth-token-for-tests';

export interface Scenario extends TestApp {
  /** The story's "now". */
  now(): Date;
  twilio: FakeTwilio;
  smtp: FakeSmtp;
  /** Sends alerts the way Alertmanager does, to the checkout service. */
  alert(labels: Record<string, string>, options?: { status?: 'firing' | 'resolved'; key?: string }): Promise<{ incident: string; outcome: string }>;
  /** Moves warroom's clock and every pending job's due time together, then lets due jobs run. */
  advance(duration: string): Promise<void>;
  /** Waits until no job is due or running. */
  settle(): Promise<void>;
  pagesFor(incident: string): Promise<{ user_id: string; channel: string; status: string; step: string; reason: string | null }[]>;
}

/**
 * A story-style harness: the whole app on real Postgres with a fake clock, a fake Twilio and a real
 * SMTP server. Time moves when the story says so: Date runs ahead of real time by every advance
 * (timers stay real), and the job worker schedules by Node's time, so a job due in 5 minutes runs
 * when the story advances 5m.
 */
export async function startScenario(config: (fakes: { twilio: FakeTwilio; smtp: FakeSmtp }) => string): Promise<Scenario> {
  const twilio = await startFakeTwilio({ authToken: TWILIO_TOKEN });
  const smtp = await startFakeSmtp();
  const time = shiftDate();
  const app = await startTestApp({ config: config({ twilio, smtp }), env: { WARROOM_WORKER_POLL_MS: '50', WARROOM_WORKER_NODE_TIME: 'true' } });
  const dueJobs = async () => {
    const result = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker._private_jobs
      where (run_at <= ${new Date()} and attempts < max_attempts) or locked_at is not null`.execute(app.db.db);
    return result.rows[0]!.n;
  };
  const settle = async () => {
    // Twice in a row idle: a job that just finished may have enqueued another.
    let idle = 0;
    await waitUntil('the job queue to settle', async () => ((await dueJobs()) === 0 ? ++idle : (idle = 0)), (n) => n >= 2, { timeoutMs: 15_000, intervalMs: 40 });
  };
  return {
    ...app,
    now: () => new Date(),
    twilio,
    smtp,
    async alert(labels, options = {}) {
      const reply = await app.request('POST', `/api/v1/integrations/alertmanager/${options.key ?? CHECKOUT_KEY}`, {
        body: alertmanagerPayload([{ labels, status: options.status }]),
        token: null,
      });
      if (reply.status !== 200) throw new Error(`alert rejected: ${reply.status} ${reply.text}`);
      await settle();
      return { incident: reply.body.results[0].incident, outcome: reply.body.results[0].outcome };
    },
    async advance(duration) {
      time.shift(parseDuration(duration));
      await settle();
    },
    settle,
    async pagesFor(incident) {
      const reply = await app.request('GET', `/api/v1/incidents/${incident}/notifications`);
      return reply.body.items;
    },
    async close() {
      await app.close();
      await twilio.close();
      await smtp.close();
      time.restore();
    },
  };
}

/**
 * Shifts the global Date ahead of real time. It keeps ticking, so rows the database stamps with
 * its own now() are never in the story's future.
 */
function shiftDate(): { shift(ms: number): void; restore(): void } {
  const RealDate = Date;
  let offset = 0;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  return {
    shift: (ms) => (offset += ms),
    restore: () => (globalThis.Date = RealDate),
  };
}
