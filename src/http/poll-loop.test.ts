import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../kernel/index.js';
import { PollLoop } from './poll-loop.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function loopWith(tick: () => Promise<boolean>, canRun = () => true, logger = silentLogger) {
  return new PollLoop({ tick, pollMs: 100, logger, failureMessage: 'test poll failed', canRun });
}

describe('PollLoop', () => {
  it('runs one poll at a time, at once after a full batch, after pollMs otherwise', async () => {
    const results = [true, false];
    const tick = vi.fn(async () => results.shift() ?? false);
    const loop = loopWith(tick);
    loop.kick(50);
    loop.kick(0); // already scheduled: ignored
    expect(loop.busy).toBe(true);
    await vi.advanceTimersByTimeAsync(49);
    expect(tick).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(1);
    // The first batch was full: the second follows at once (setTimeout(0) fires after 1 ms in Node).
    await vi.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(tick).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(3);
    await loop.stop();
  });

  it('logs a failed poll and keeps the normal beat', async () => {
    const warn = vi.fn();
    const tick = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(false);
    const loop = loopWith(tick, () => true, { ...silentLogger, warn } as unknown as typeof silentLogger);
    loop.kick(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'test poll failed');
    await vi.advanceTimersByTimeAsync(100);
    expect(tick).toHaveBeenCalledTimes(2);
    await loop.stop();
  });

  it('does not schedule while canRun() is false, and cancel() drops a scheduled poll', async () => {
    let listening = false;
    const tick = vi.fn(async () => false);
    const loop = loopWith(tick, () => listening);
    loop.kick(0);
    expect(loop.busy).toBe(false);
    listening = true;
    loop.kick(10);
    loop.cancel();
    expect(loop.busy).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tick).not.toHaveBeenCalled();
  });

  it('stop() waits for the poll in flight and schedules nothing after', async () => {
    let finish!: (more: boolean) => void;
    const tick = vi.fn(() => new Promise<boolean>((resolve) => (finish = resolve)));
    const loop = loopWith(tick);
    loop.kick(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(loop.busy).toBe(true);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish(true);
    await stopping;
    expect(loop.busy).toBe(false);
    loop.kick(0);
    expect(loop.busy).toBe(false);
    expect(tick).toHaveBeenCalledTimes(1);
  });
});
