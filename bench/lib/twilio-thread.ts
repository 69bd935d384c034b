import { Worker } from 'node:worker_threads';

/** A call the fake Twilio accepted, as plain data that crosses threads. */
export interface CallRecord {
  to: string;
  /** Epoch ms at which the fake received the request. */
  at: number;
  /** X-Warroom-Idempotency-Key: the notification id. */
  key: string | null;
}

export type TwilioRequest = { op: 'start'; authToken: string } | { op: 'calls' } | { op: 'count' } | { op: 'close' };
export type TwilioReply =
  | { ok: true; op: 'start'; url: string; accountSid: string }
  | { ok: true; op: 'calls'; calls: CallRecord[] }
  | { ok: true; op: 'count'; count: number }
  | { ok: true; op: 'close' }
  | { ok: false; error: string };

/**
 * The fake Twilio runs on its own thread, so the time it stamps on a call is when the request
 * reached "Twilio", not when the server's busy event loop got round to the fake's handler.
 * The thread loads TypeScript through tsx, as LoadThread does.
 */
export class TwilioThread {
  private readonly worker: Worker;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor() {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./twilio-worker.ts', import.meta.url).href;
    this.worker = new Worker(
      `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
      { eval: true },
    );
  }

  static async start(authToken: string): Promise<TwilioThread & { url: string; accountSid: string }> {
    const thread = new TwilioThread();
    const reply = await thread.ask({ op: 'start', authToken });
    if (reply.op !== 'start') throw new Error('fake twilio thread answered out of turn');
    return Object.assign(thread, { url: reply.url, accountSid: reply.accountSid });
  }

  async calls(): Promise<CallRecord[]> {
    const reply = await this.ask({ op: 'calls' });
    return reply.op === 'calls' ? reply.calls : [];
  }

  async count(): Promise<number> {
    const reply = await this.ask({ op: 'count' });
    return reply.op === 'count' ? reply.count : 0;
  }

  async close(): Promise<void> {
    await this.ask({ op: 'close' }).catch(() => {});
    await this.worker.terminate();
  }

  /** One request at a time, so replies cannot cross. */
  private ask(request: TwilioRequest): Promise<Extract<TwilioReply, { ok: true }>> {
    const next = this.chain.then(
      () =>
        new Promise<Extract<TwilioReply, { ok: true }>>((resolve, reject) => {
          const onError = (error: Error) => reject(error);
          this.worker.once('error', onError);
          this.worker.once('message', (reply: TwilioReply) => {
            this.worker.off('error', onError);
            if (reply.ok) resolve(reply);
            else reject(new Error(`fake twilio thread failed: ${reply.error}`));
          });
          this.worker.postMessage(request);
        }),
    );
    this.chain = next.catch(() => {});
    return next;
  }
}
