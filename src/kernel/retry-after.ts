/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); returns milliseconds to wait. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** undici wraps socket errors: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }). */
export function networkErrorCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error && error.name ? error.name : 'unknown error';
}
