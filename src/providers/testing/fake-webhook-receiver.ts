import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../../kernel/index.js';
import { FaultQueue } from './fault-queue.js';
import { sendJson, startHttpFakeServer, type HttpFakeServer } from './http-fake-server.js';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
  /** The status the receiver answered. */
  status: number;
  at: Date;
}

export interface FakeWebhookReceiver {
  /** Base URL; any path under it is accepted, so recipients can have their own. */
  readonly url: string;
  /** Requests that passed the signature check and were answered 200. */
  deliveries(): ReceivedWebhook[];
  /** Every request, including rejected and failed ones. */
  requests(): ReceivedWebhook[];
  failNext(times: number, fault: { status: number; retryAfter?: string | number }): void;
  hangNext(times: number): void;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeWebhookReceiverOptions {
  secret: string;
  clock?: Clock;
  toleranceSec?: number;
}

/**
 * A receiver of warroom's outgoing webhooks. It checks the documented signature
 * (X-Warroom-Signature: v1=hex HMAC-SHA256 of "<timestamp>.<raw body>", timestamp within the
 * tolerance) with its own code, answering 401 when it does not match, then applies injected faults.
 */
export async function startFakeWebhookReceiver(options: FakeWebhookReceiverOptions): Promise<FakeWebhookReceiver> {
  const clock = options.clock ?? systemClock;
  const tolerance = options.toleranceSec ?? 300;
  const faults = new FaultQueue();
  let requests: ReceivedWebhook[] = [];

  const server: HttpFakeServer = await startHttpFakeServer((req, rawBuffer, res) => {
    const rawBody = rawBuffer.toString('utf8');
    const record = (status: number) => {
      const entry = { path: req.url ?? '/', headers: req.headers, rawBody, body: parseJson(rawBody), status, at: clock.now() };
      requests.push(entry);
    };
    if (req.method !== 'POST') {
      record(405);
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    if (!signatureMatches(req, rawBuffer, options.secret, clock.now(), tolerance)) {
      record(401);
      return sendJson(res, 401, { error: 'bad signature' });
    }
    const fault = faults.take();
    if (fault?.kind === 'hang') {
      record(0);
      return server.hang(res);
    }
    if (fault?.kind === 'fail') {
      record(fault.status);
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return sendJson(res, fault.status, { error: 'injected' }, headers);
    }
    record(200);
    return sendJson(res, 200, { ok: true });
  });

  return {
    url: server.url,
    deliveries: () => requests.filter((r) => r.status === 200),
    requests: () => [...requests],
    failNext: (times, fault) => faults.push(times, { kind: 'fail', ...fault }),
    hangNext: (times) => faults.push(times, { kind: 'hang' }),
    reset: () => {
      faults.clear();
      server.releaseHung();
      requests = [];
    },
    close: () => server.close(),
  };
}

function signatureMatches(req: IncomingMessage, rawBody: Buffer, secret: string, now: Date, toleranceSec: number): boolean {
  const timestamp = String(req.headers['x-warroom-timestamp'] ?? '');
  const signature = String(req.headers['x-warroom-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSec) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
