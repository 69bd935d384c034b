import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load-client.js';
import type { LoadPlan } from './load-plan.js';

export interface RunMessage {
  baseUrl: string;
  plan: LoadPlan;
}

type Reply = { ok: true; result: LoadResult } | { ok: false; error: string };

/**
 * The load generator runs on its own thread so that building and parsing requests does not share
 * the server's event loop (it still shares the machine's cores). The thread loads TypeScript
 * through tsx, as bin/run-ts.js does for the main thread.
 */
export class LoadThread {
  private readonly worker: Worker;

  constructor() {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./load-worker.ts', import.meta.url).href;
    this.worker = new Worker(
      `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
      { eval: true },
    );
  }

  run(baseUrl: string, plan: LoadPlan): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (reply: Reply) => {
        this.worker.off('error', onError);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`load thread failed: ${reply.error}`));
      });
      this.worker.postMessage({ baseUrl, plan } satisfies RunMessage);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
