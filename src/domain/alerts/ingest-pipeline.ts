import type { Db } from '../../db/database.js';
import { withTx } from '../../db/database.js';
import type { Clock, Logger } from '../../kernel/index.js';
import type { RuntimeSettings } from '../services/index.js';
import { ingestBatch, type IngestResult } from './ingest-batch.js';
import type { IngestItem } from './ingest-item.js';

interface Pending {
  items: IngestItem[];
  resolve(results: IngestResult[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit for ingestion: while one transaction runs, requests that arrive queue up, and the
 * next transaction takes them all. A lone request commits at once; under load, hundreds of alerts
 * share one commit. Each caller's promise settles only after its alerts are durable.
 */
export class IngestPipeline {
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly settings: () => RuntimeSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly maxBatchItems = 500,
  ) {}

  submit(items: IngestItem[]): Promise<IngestResult[]> {
    if (this.closed) return Promise.reject(new Error('warroom is shutting down'));
    if (!items.length) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.draining ??= this.drain().finally(() => (this.draining = null));
    });
  }

  /** Stops taking new work and waits for queued work to commit. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch: Pending[] = [];
      let size = 0;
      while (this.queue.length && (size === 0 || size + this.queue[0]!.items.length <= this.maxBatchItems)) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.items.length;
      }
      await this.commit(batch);
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const results = await withTx(this.db, (tx) => ingestBatch(tx, batch.flatMap((p) => p.items), this.settings(), this.clock.now()));
      let offset = 0;
      for (const pending of batch) {
        pending.resolve(results.slice(offset, offset + pending.items.length));
        offset += pending.items.length;
      }
    } catch (error) {
      if (batch.length === 1) {
        this.logger.error({ err: error }, 'alert ingest transaction failed');
        batch[0]!.reject(error);
        return;
      }
      // One request's failure must not fail its neighbours: retry each on its own.
      for (const pending of batch) await this.commit([pending]);
    }
  }
}
