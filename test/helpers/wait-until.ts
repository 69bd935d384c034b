/**
 * Reads `read()` until `accept` holds for what it returns, then returns that snapshot. On timeout it
 * fails naming what it waited for and showing the last snapshot. Real processes take real time;
 * fixed sleeps are either flaky or slow.
 */
export async function waitUntil<T>(
  what: string,
  read: () => Promise<T>,
  accept: (snapshot: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = '(nothing read yet)';
  for (;;) {
    try {
      const snapshot = await read();
      if (accept(snapshot)) return snapshot;
      last = snapshot;
    } catch (error) {
      last = error instanceof Error ? `error: ${error.message}` : error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting until ${what}; last saw: ${JSON.stringify(last, null, 2)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
