import { run, type Runner, type Task, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from '../kernel/index.js';
import { workerLogger } from './worker-logger.js';

export type JobHandler = (payload: unknown) => Promise<void>;

export interface JobDefinition {
  task: string;
  handle: JobHandler;
}

export function defineJob<T>(task: string, parse: (payload: unknown) => T, handle: (payload: T) => Promise<void>): JobDefinition {
  return { task, handle: (payload) => handle(parse(payload)) };
}

export interface WorkerOptions {
  pool: pg.Pool;
  logger: Logger;
  jobs: JobDefinition[];
  concurrency?: number;
  /** Cron lines in graphile-worker's crontab format. */
  crontab?: string;
  pollInterval?: number;
  /** Schedule by Node's clock instead of the database's (tests that move time use this). */
  useNodeTime?: boolean;
}

/** Starts graphile-worker on our pool. Jobs arrive by LISTEN/NOTIFY; polling is only the fallback. */
export async function startWorker(options: WorkerOptions): Promise<Runner> {
  const taskList: TaskList = {};
  for (const job of options.jobs) {
    const task: Task = async (payload) => job.handle(payload);
    taskList[job.task] = task;
  }
  const concurrency = options.concurrency ?? 10;
  return run({
    pgPool: options.pool,
    // A local queue fetches jobs in batches and completes them in batches: far fewer round trips
    // when a storm of steps falls due at once.
    preset: { worker: { localQueue: { size: concurrency }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    taskList,
    concurrency,
    // A job whose run_at arrives wakes nobody; polling finds it, so this bounds extra lateness.
    pollInterval: options.pollInterval ?? 250,
    crontab: options.crontab ?? '',
    noHandleSignals: true,
    useNodeTime: options.useNodeTime ?? false,
    logger: workerLogger(options.logger),
  });
}
