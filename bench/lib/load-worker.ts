import { parentPort } from 'node:worker_threads';
import { runLoad } from './load-client.js';
import type { RunMessage } from './load-thread.js';

/** Load-thread entry: runs each plan it is sent and posts the result back. */
parentPort!.on('message', (message: RunMessage) => {
  runLoad(message.baseUrl, message.plan).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: unknown) => parentPort!.postMessage({ ok: false, error: (error as Error).stack ?? String(error) }),
  );
});
