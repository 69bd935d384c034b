import { sql } from 'kysely';
import type { Db } from '../db/database.js';

/**
 * Enqueues a graphile-worker job inside the caller's transaction, so the job exists exactly when the
 * state change that caused it commits. A `jobKey` makes scheduling idempotent: the new job replaces
 * any pending job with the same key.
 */
export interface EnqueueOptions {
  runAt?: Date;
  jobKey?: string;
  maxAttempts?: number;
  /** Jobs of one queue run one at a time, in order. */
  queueName?: string;
  priority?: number;
  /** replace (default): the new job replaces a pending one; preserve_run_at keeps the first run time. */
  jobKeyMode?: 'replace' | 'preserve_run_at';
}

export async function enqueue(tx: Db, task: string, payload: object, options: EnqueueOptions = {}): Promise<void> {
  await sql`
    select graphile_worker.add_job(
      ${task},
      ${JSON.stringify(payload)}::json,
      queue_name => ${options.queueName ?? null}::text,
      run_at => ${options.runAt ?? null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? 25}::int,
      job_key => ${options.jobKey ?? null}::text,
      priority => ${options.priority ?? 0}::int,
      job_key_mode => ${options.jobKeyMode ?? 'replace'}::text
    )
  `.execute(tx);
}

/** Cancels a pending job by its key; a job already running finishes, and its handler re-checks state. */
export async function cancelJob(tx: Db, jobKey: string): Promise<void> {
  await sql`select graphile_worker.remove_job(${jobKey})`.execute(tx);
}

export interface PendingJob {
  task: string;
  key: string | null;
  runAt: Date;
  attempts: number;
  lastError: string | null;
}

/** Lists pending jobs whose key starts with a prefix (for APIs and tests that show what is scheduled). */
export async function pendingJobs(db: Db, keyPrefix: string): Promise<PendingJob[]> {
  const result = await sql<{ task: string; key: string | null; run_at: Date; attempts: number; last_error: string | null }>`
    select task_identifier as task, key, run_at, attempts, last_error
    from graphile_worker.jobs
    where key like ${`${keyPrefix}%`}
    order by run_at
  `.execute(db);
  return result.rows.map((row) => ({
    task: row.task,
    key: row.key,
    runAt: row.run_at,
    attempts: row.attempts,
    lastError: row.last_error,
  }));
}

/**
 * How long a job may stay locked before we take its worker for dead. Every handler finishes well
 * within this (provider timeouts are at most 30 s), and a notification being sent is leased for
 * the same time, so a released job never races a live one.
 */
export const STALE_JOB_MS = 5 * 60_000;

/**
 * graphile-worker keeps a crashed worker's jobs locked for 4 hours. This releases only the jobs
 * locked longer than `olderThanMs`, one by one, never a live worker's other jobs.
 */
export async function unlockStaleJobs(db: Db, olderThanMs: number): Promise<number> {
  const result = await sql`
    update graphile_worker._private_jobs set locked_at = null, locked_by = null
    where locked_at < now() - make_interval(secs => ${olderThanMs / 1000})
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface JobSpec {
  task: string;
  payload: object;
  runAt?: Date;
  jobKey?: string;
  priority?: number;
}

/** Enqueues many jobs in one statement (graphile-worker's add_jobs), in the caller's transaction. */
export async function enqueueMany(tx: Db, jobs: JobSpec[]): Promise<void> {
  if (!jobs.length) return;
  await sql`
    select graphile_worker.add_jobs(array(
      select row(t, p::json, null, r, null, k, pr, null)::graphile_worker.job_spec
      from unnest(${jobs.map((j) => j.task)}::text[], ${jobs.map((j) => JSON.stringify(j.payload))}::text[],
                  ${jobs.map((j) => j.runAt?.toISOString() ?? null)}::timestamptz[], ${jobs.map((j) => j.jobKey ?? null)}::text[],
                  ${jobs.map((j) => j.priority ?? 0)}::int[]) as s(t, p, r, k, pr)
    ))
  `.execute(tx);
}
