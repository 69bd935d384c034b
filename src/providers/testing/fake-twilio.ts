import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../../kernel/index.js';
import { FaultQueue } from './fault-queue.js';
import { sendJson, startHttpFakeServer, type HttpFakeServer } from './http-fake-server.js';

export interface TwilioRequestRecord {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
  status: number;
  at: Date;
}

export interface FakeSms {
  kind: 'sms';
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  idempotencyKey?: string;
  at: Date;
}

export interface FakeCall {
  kind: 'call';
  sid: string;
  to: string;
  from: string;
  twiml: string;
  statusCallback?: string;
  idempotencyKey?: string;
  at: Date;
}

export interface FakeTwilio {
  /** Use as the provider's base_url. */
  readonly url: string;
  readonly accountSid: string;
  messages(): FakeSms[];
  calls(): FakeCall[];
  /** Every request, accepted or not, with the status the fake answered. */
  requests(): TwilioRequestRecord[];
  /** The next `times` authenticated requests answer `status` with a Twilio error body. */
  failNext(times: number, fault: { status: number; retryAfter?: string | number; code?: number; message?: string }): void;
  /** The next `times` authenticated requests get no answer until reset() or close(). */
  hangNext(times: number): void;
  /** POSTs an inbound SMS webhook to targetUrl, signed as Twilio signs it (X-Twilio-Signature). */
  sendInboundSms(targetUrl: string, from: string, body: string, extra?: Record<string, string>): Promise<Response>;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** The account's own number, used as To in inbound webhooks. */
  phoneNumber?: string;
  clock?: Clock;
}

const E164 = /^\+[1-9]\d{1,14}$/;
/** Twilio's documented magic test number: as To it is always invalid, as From always invalid. */
const MAGIC_INVALID = '+15005550001';
const ERROR_MESSAGES: Record<number, string> = {
  20003: 'Authenticate',
  20404: 'The requested resource was not found',
  20429: 'Too Many Requests',
  20500: 'Internal Server Error',
  20503: 'Service Unavailable',
};

/**
 * A local stand-in for Twilio's REST API (2010-04-01 Messages.json and Calls.json) for one account.
 * Like Twilio it checks HTTP Basic auth (AccountSid:AuthToken), answers errors as
 * {code, message, more_info, status}, and validates numbers: not E.164 → 400 code 21211 (To) /
 * 21212 (From); the magic +15005550001 as To → 21211 for messages, 21217 for calls.
 */
export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${'0'.repeat(31)}1`;
  const authToken = options.authToken ?? 'fake-twilio-auth-token';
  const ownNumber = options.phoneNumber ?? '+15005550006';
  const clock = options.clock ?? systemClock;
  const faults = new FaultQueue();
  let messages: FakeSms[] = [];
  let calls: FakeCall[] = [];
  let requests: TwilioRequestRecord[] = [];
  const basePath = `/2010-04-01/Accounts/${accountSid}`;

  const server: HttpFakeServer = await startHttpFakeServer((req, rawBody, res) => {
    const params = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const record = (status: number) =>
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, params, status, at: clock.now() });
    const fail = (status: number, code: number, message?: string, headers: Record<string, string> = {}) => {
      record(status);
      sendJson(res, status, twilioError(status, code, message), headers);
    };

    if (!authorized(req, accountSid, authToken)) return fail(401, 20003);
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(path);
    if (req.method !== 'POST' || !match || match[1] !== accountSid) return fail(404, 20404);

    const fault = faults.take();
    if (fault?.kind === 'hang') {
      record(0);
      return server.hang(res);
    }
    if (fault?.kind === 'fail') {
      const code = fault.code ?? (fault.status === 429 ? 20429 : fault.status === 503 ? 20503 : 20500);
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return fail(fault.status, code, fault.message, headers);
    }

    const isCall = match[2] === 'Calls';
    const to = params.To ?? '';
    const from = params.From ?? '';
    if (!E164.test(to)) return fail(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (to === MAGIC_INVALID) {
      return isCall
        ? fail(400, 21217, 'Phone number does not appear to be valid')
        : fail(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    }
    if (!E164.test(from) || from === MAGIC_INVALID) return fail(400, 21212, `The 'From' number ${from} is not a valid phone number.`);

    const at = clock.now();
    const idempotencyKey = headerValue(req, 'x-warroom-idempotency-key');
    const common = { to, from, at, ...optional('statusCallback', params.StatusCallback), ...optional('idempotencyKey', idempotencyKey) };
    if (isCall) {
      if (!params.Twiml && !params.Url) return fail(400, 21205, "A 'Url' or 'Twiml' parameter is required.");
      const sid = newSid('CA');
      calls.push({ kind: 'call', sid, twiml: params.Twiml ?? '', ...common });
      record(201);
      return sendJson(res, 201, resourceBody(basePath, 'Calls', sid, accountSid, to, from, at));
    }
    if (!params.Body) return fail(400, 21602, 'Message body is required.');
    const sid = newSid('SM');
    messages.push({ kind: 'sms', sid, body: params.Body, ...common });
    record(201);
    return sendJson(res, 201, { ...resourceBody(basePath, 'Messages', sid, accountSid, to, from, at), body: params.Body, num_segments: '1' });
  });

  return {
    url: server.url,
    accountSid,
    messages: () => [...messages],
    calls: () => [...calls],
    requests: () => [...requests],
    failNext: (times, fault) => faults.push(times, { kind: 'fail', ...fault }),
    hangNext: (times) => faults.push(times, { kind: 'hang' }),
    sendInboundSms: (targetUrl, from, body, extra = {}) => {
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        Body: body,
        From: from,
        MessageSid: newSid('SM'),
        NumMedia: '0',
        SmsStatus: 'received',
        To: ownNumber,
        ...extra,
      };
      return fetch(targetUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(targetUrl, params, authToken) },
        body: new URLSearchParams(params).toString(),
      });
    },
    reset: () => {
      faults.clear();
      server.releaseHung();
      messages = [];
      calls = [];
      requests = [];
    },
    close: () => server.close(),
  };
}

/** Written out here rather than imported, so the fake checks the provider instead of agreeing with it. */
function twilioSignature(url: string, params: Record<string, string>, authToken: string): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function authorized(req: IncomingMessage, accountSid: string, authToken: string): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded === `${accountSid}:${authToken}`;
}

function twilioError(status: number, code: number, message?: string) {
  return {
    code,
    message: message ?? ERROR_MESSAGES[code] ?? 'Error',
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
}

function resourceBody(basePath: string, resource: string, sid: string, accountSid: string, to: string, from: string, at: Date) {
  return {
    sid,
    account_sid: accountSid,
    api_version: '2010-04-01',
    to,
    from,
    status: 'queued',
    direction: 'outbound-api',
    date_created: at.toUTCString(),
    uri: `${basePath}/${resource}/${sid}.json`,
  };
}

function newSid(prefix: 'SM' | 'CA'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

