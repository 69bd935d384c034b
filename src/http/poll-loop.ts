import type { Logger } from '../kernel/index.js';

/**
 * The polling heartbeat of a live feed: at most one poll scheduled or running, the next one at once
 * when a batch came back full, after `pollMs` otherwise, and only while `canRun()` says someone listens.
 * A failed poll is logged and retried on the normal beat. The timer never holds the process open.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly options: {
      /** One poll; true when the batch came back full and the next poll should follow at once. */
      tick: () => Promise<boolean>;
      pollMs: number;
      logger: Logger;
      /** Logged with the error when a poll fails. */
      failureMessage: string;
      canRun: () => boolean;
    },
  ) {}

  /** True while a poll is scheduled or running. */
  get busy(): boolean {
    return this.timer !== null || this.inFlight !== null;
  }

  /** Schedules a poll in `delayMs` unless one is scheduled or running already. */
  kick(delayMs: number): void {
    if (this.stopped || this.timer || this.inFlight || !this.options.canRun()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.options.tick().then(
        (more) => this.settle(more),
        (error: unknown) => {
          this.options.logger.warn({ err: error }, this.options.failureMessage);
          this.settle(false);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** Drops a scheduled poll; one already running finishes (and reschedules only if `canRun()`). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops for good and waits for a poll in flight, so the pool can close after. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel();
    await this.inFlight;
  }

  private settle(more: boolean): void {
    this.inFlight = null;
    this.kick(more ? 0 : this.options.pollMs);
  }
}
