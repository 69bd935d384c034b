import type { RecordedRequest } from '../providers/testing/recorded-request.js';

const HEADLINE_KEYS = ['title', 'content', 'text', 'main_title', 'header', 'name'];
const NOISE = [/\/auth\/v3\/tenant_access_token/, /\/cgi-bin\/gettoken/];

/** The line dev-chat prints for a request a fake received: who, what, and the message's headline. */
export function describeRequest(request: RecordedRequest): string | null {
  if (NOISE.some((re) => re.test(request.path))) return null;
  const time = request.at.toISOString().slice(11, 19);
  const verdict = request.refusal ? `REFUSED ${request.status}: ${request.refusal}` : String(request.status);
  const target = targetOf(request);
  const headline = findHeadline(request.body, 0);
  return `${time} ${request.fake.padEnd(10)} ${request.method} ${request.path} → ${verdict}${target ? `  to ${target}` : ''}${headline ? `\n           ${headline}` : ''}`;
}

function targetOf(request: RecordedRequest): string | undefined {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const value = body.receive_id ?? body.channel ?? body.chatid ?? body.touser ?? request.query.key ?? request.query.access_token;
  return typeof value === 'string' ? value : undefined;
}

/** The first heading-like string in a body, looking inside JSON-in-a-string too (Feishu's content). */
function findHeadline(value: unknown, depth: number): string | undefined {
  if (depth > 6 || value == null) return undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{')) {
      try {
        return findHeadline(JSON.parse(trimmed), depth + 1);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findHeadline(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const key of HEADLINE_KEYS) {
    const candidate = record[key];
    if (typeof candidate === 'string' && candidate.trim() && !candidate.trim().startsWith('{')) return candidate.split('\n')[0]!.slice(0, 140);
    const nested = candidate && typeof candidate === 'object' ? findHeadline(candidate, depth + 1) : typeof candidate === 'string' ? findHeadline(candidate, depth + 1) : undefined;
    if (nested) return nested;
  }
  for (const nested of Object.values(record)) {
    const found = findHeadline(nested, depth + 1);
    if (found) return found;
  }
  return undefined;
}
