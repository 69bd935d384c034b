import type { IncomingMessage } from 'node:http';

/** One request a fake chat server received, as the dev-chat viewer and the tests read it. */
export interface RecordedRequest {
  /** Which fake saw it: feishu, feishu-bot, slack, dingtalk, wecom. */
  fake: string;
  at: Date;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  /** The body parsed (JSON, or form fields with JSON-valued fields decoded) when it parses. */
  body: unknown;
  /** What the fake answered, and why when it refused. */
  status: number;
  refusal?: string;
}

/** Lets a fake report each request as it is recorded (dev-chat prints them live). */
export type RequestListener = (request: RecordedRequest) => void;

export function recordOf(fake: string, req: IncomingMessage, rawBody: Buffer, body: unknown, status: number, refusal?: string): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://fake');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return {
    fake,
    at: new Date(),
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    rawBody: rawBody.toString('utf8'),
    body,
    status,
    ...(refusal ? { refusal } : {}),
  };
}
