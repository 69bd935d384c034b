import { Logger as WorkerLogger, type LogLevel } from 'graphile-worker';
import type { Logger } from '../kernel/index.js';

/** Routes graphile-worker's log lines into our pino logger at matching levels. */
export function workerLogger(logger: Logger): WorkerLogger {
  const child = logger.child({ component: 'worker' });
  return new WorkerLogger(() => (level: LogLevel, message: string, meta?: unknown) => {
    const fields = { meta };
    if (level === 'error') child.error(fields, message);
    else if (level === 'warning') child.warn(fields, message);
    else if (level === 'info') child.debug(fields, message);
    else child.trace(fields, message);
  });
}
