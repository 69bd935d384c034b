import { createHash } from 'node:crypto';

/** Stable across label order: the same label set always yields the same fingerprint. */
export function fingerprintLabels(labels: Record<string, string>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((key) => `${key}\u0000${labels[key]}`)
    .join('\u0001');
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 16);
}

/** Hashes any string key (a dedup_key, a group key) to a short stable id. */
export function fingerprintText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}
