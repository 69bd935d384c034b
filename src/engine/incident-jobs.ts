import { z } from 'zod';
import type { Db } from '../db/database.js';
import { withTx } from '../db/database.js';
import type { Clock, Logger } from '../kernel/index.js';
import { SETTLE_TASK } from '../domain/alerts/index.js';
import { AUTO_CLOSE_TASK, closeIfDue, resolveIfQuiet, systemActor } from '../domain/incidents/index.js';
import type { RuntimeSettings } from '../domain/services/index.js';
import { defineJob, type JobDefinition } from '../queue/index.js';

export const incidentPayload = z.object({ incidentId: z.uuid() });

export interface EngineDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings(): RuntimeSettings;
}

/** Durable incident follow-ups. Handlers re-read state, so a late or repeated run does nothing wrong. */
export function incidentJobs(deps: EngineDeps): JobDefinition[] {
  const context = () => ({ now: deps.clock.now(), actor: systemActor, autoCloseAfterMs: deps.settings().autoCloseAfterMs });
  return [
    defineJob(AUTO_CLOSE_TASK, (p) => incidentPayload.parse(p), async ({ incidentId }) => {
      const closed = await withTx(deps.db, (tx) => closeIfDue(tx, incidentId, context()));
      if (closed) deps.logger.info({ incidentId }, 'incident closed automatically');
    }),
    defineJob(SETTLE_TASK, (p) => incidentPayload.parse(p), async ({ incidentId }) => {
      const resolved = await withTx(deps.db, (tx) => resolveIfQuiet(tx, incidentId, context()));
      if (resolved) deps.logger.info({ incidentId }, 'flapping incident settled and resolved');
    }),
  ];
}
