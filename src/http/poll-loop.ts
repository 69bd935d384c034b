/**
 * The polling heartbeat of a live feed: at most one poll scheduled or running, the next one at once
 * when a batch came back full, after `pollMs` otherwise, and only while `canRun()` says someone listens.
 * A failed poll is reported and retried on the normal beat. The timer never holds the process open.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly options: {
      pollMs: number;
      /** One poll; true when more is waiting. */
      tick: () => Promise<boolean>;
      canRun: () => boolean;
      onError: (error: unknown) => void;
    },
  ) {}

  /** True while a poll is scheduled or running. */
  get busy(): boolean {
    return this.timer !== null || this.inFlight !== null;
  }

  /** Schedules a poll in `delayMs` unless one is scheduled or running already. */
  kick(delayMs: number = this.options.pollMs): void {
    if (this.stopped || this.timer || this.inFlight || !this.options.canRun()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.options
        .tick()
        .then(
          (more) => more,
          (error: unknown) => {
            this.options.onError(error);
            return false;
          },
        )
        .then((more) => {
          this.inFlight = null;
          this.kick(more ? 0 : this.options.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Drops a scheduled poll; one already running finishes. */
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
}
