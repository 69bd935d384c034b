/** A failure a fake should answer with instead of doing its job. */
export type Fault =
  | { kind: 'fail'; status: number; retryAfter?: string | number; code?: number; message?: string }
  | { kind: 'hang' };

/** Faults queued by failNext/hangNext, consumed one per request in order. */
export class FaultQueue {
  private queue: Fault[] = [];

  push(times: number, fault: Fault): void {
    for (let i = 0; i < times; i += 1) this.queue.push(fault);
  }

  take(): Fault | undefined {
    return this.queue.shift();
  }

  clear(): void {
    this.queue = [];
  }
}
