import { parentPort } from 'node:worker_threads';
import { startFakeTwilio, type FakeTwilio } from '../../src/providers/testing/fake-twilio.js';
import type { TwilioReply, TwilioRequest } from './twilio-thread.js';

/** Fake-Twilio thread entry: answers start, calls, count and close requests from TwilioThread. */
let twilio: FakeTwilio | null = null;

async function handle(request: TwilioRequest): Promise<TwilioReply> {
  switch (request.op) {
    case 'start':
      twilio = await startFakeTwilio({ authToken: request.authToken });
      return { ok: true, op: 'start', url: twilio.url, accountSid: twilio.accountSid };
    case 'calls':
      return { ok: true, op: 'calls', calls: (twilio?.calls() ?? []).map((c) => ({ to: c.to, at: c.at.getTime(), key: c.idempotencyKey ?? null })) };
    case 'count':
      return { ok: true, op: 'count', count: twilio?.calls().length ?? 0 };
    case 'close':
      await twilio?.close();
      twilio = null;
      return { ok: true, op: 'close' };
  }
}

parentPort!.on('message', (request: TwilioRequest) => {
  handle(request).then(
    (reply) => parentPort!.postMessage(reply),
    (error: unknown) => parentPort!.postMessage({ ok: false, error: (error as Error).stack ?? String(error) } satisfies TwilioReply),
  );
});
