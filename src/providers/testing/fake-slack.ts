import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../../kernel/index.js';
import { FaultQueue, type Fault } from './fault-queue.js';
import { messageError } from './fake-slack-blocks.js';
import { postInbound, type InboundPostOptions, type InboundResponse, type SlackInboundBody } from './fake-slack-inbound.js';
import { sendJson, startHttpFakeServer, type HttpFakeServer } from './http-fake-server.js';
import { recordOf, type RecordedRequest, type RequestListener } from './recorded-request.js';
import { createSlackWorkspace, SlackApiError, type FakeSlackChannel, type FakeSlackSeed, type FakeSlackUser, type SlackWorkspace } from './fake-slack-workspace.js';

export * from './fake-slack-inbound.js';
export { SEED_CREATOR } from './fake-slack-workspace.js';
export type { FakeSlackChannel, FakeSlackSeed, FakeSlackUser } from './fake-slack-workspace.js';

/** How a lost answer reaches the client: no answer at all (a timeout) or an HTTP 5xx. */
export type LostAnswer = 'hang' | number;

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown;
  attachments?: unknown;
  metadata?: unknown;
  /** metadata.event_payload.idempotency_key, where warroom puts its key. */
  idempotencyKey?: string;
  at: Date;
}

export interface FakeSlackUpdate {
  channel: string;
  ts: string;
  /** The parameters exactly as received (JSON-valued fields decoded), without the token. */
  body: Record<string, unknown>;
  at: Date;
}

export interface FakeSlackInvite {
  channel: string;
  users: string[];
  force: boolean;
  errors: { user: string; error: string }[];
}

export interface FakeSlackOptions {
  botToken?: string;
  signingSecret?: string;
  botUserId?: string;
  /** The workspace directory (users.lookupByEmail, invites, DMs); three people by default. */
  users?: FakeSlackUser[];
  /** chat.postMessage calls allowed at once per channel before the 1/s limit bites. */
  postBurst?: number;
  clock?: Clock;
  onRequest?: RequestListener;
  /** A fixed port (warroom dev-chat); a random one by default. */
  port?: number;
}

export interface FakeSlack {
  /** The server's base; the provider's api_url is `${url}/api/`. */
  readonly url: string;
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly botUserId: string;
  /** Every request, accepted or not, cleared in place by reset(). Authorization is redacted. */
  readonly requests: RecordedRequest[];
  messages(): FakeSlackMessage[];
  updates(): FakeSlackUpdate[];
  /** Messages pinned with pins.add, in order; a repeat is refused with already_pinned and not listed again. */
  pins(): { channel: string; ts: string }[];
  channels(): FakeSlackChannel[];
  invites(): FakeSlackInvite[];
  users(): FakeSlackUser[];
  addUser(user: FakeSlackUser): void;
  /**
   * A channel that exists before the test, with the bot in it; it survives reset() as created.
   * A person (SEED_CREATOR) made it unless `options.creator` says otherwise.
   */
  seedChannel(name: string, members?: string[], options?: FakeSlackSeed): string;
  /** chat.postMessage calls answered 429 by the per-channel limit. */
  rateViolations(): number;
  /**
   * The next API call answers HTTP 429 with Retry-After. With `method`, the next call of that method
   * does (a fault aimed at a method is used before any untargeted one).
   */
  throttleNext(retryAfterSec?: number, method?: string): void;
  /** The next API call (of `method`, when given) answers HTTP 5xx. */
  serverErrorNext(status?: number, method?: string): void;
  /** The next API call (of `method`, when given) answers HTTP 200 {ok:false, error}. */
  rejectNext(error?: string, method?: string): void;
  /** The next API call (of `method`, when given) gets no answer until reset() or close(). */
  hangNext(method?: string): void;
  /**
   * The next call of `method` (conversations.create by default) that succeeds is performed (the
   * channel really is created) but its answer is lost: no answer until reset() or close() ('hang',
   * the default) or an HTTP 5xx status. Refused calls (name_taken…) are answered as usual and
   * leave the fault pending. Each call queues one more lost answer.
   */
  loseAnswerNext(method?: string, answer?: LostAnswer): void;
  /** POSTs a callback to warroom, signed with this fake's signing secret. */
  postInbound(url: string, body: SlackInboundBody, options?: Omit<InboundPostOptions, 'signingSecret'>): Promise<InboundResponse>;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_USERS: FakeSlackUser[] = [
  { id: 'U0ALICE001', name: 'alice', email: 'alice@example.com' },
  { id: 'U0BOB00002', name: 'bob', email: 'bob@example.com' },
  { id: 'W0CAROL003', name: 'carol', email: 'carol@example.com' },
];
/** Only chat.postMessage is metered per channel; the method tiers are not modelled. */
const POST_INTERVAL_MS = 1000;

/**
 * A local stand-in for the Slack Web API (reference §6 "Slack"): form or JSON bodies, bearer-token
 * auth answered as Slack does (HTTP 200 {ok:false,error}), conversations.create / invite / kick /
 * rename / setPurpose / archive / list, auth.test, chat.postMessage / update, pins.add, users.lookupByEmail,
 * a 1 msg/s per channel limit with a short burst, and injected 429 / 5xx / refusals / hangs / lost answers.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-fake-0000000000-bot-token';
  const signingSecret = options.signingSecret ?? 'fake-slack-signing-secret-0123456789';
  const botUserId = options.botUserId ?? 'U0WARROOMB';
  const clock = options.clock ?? systemClock;
  const burst = options.postBurst ?? 3;
  const faults = new FaultQueue();
  let aimed = new Map<string, FaultQueue>();
  const queueFault = (method: string | undefined, fault: Fault) => {
    if (method === undefined) return faults.push(1, fault);
    const queue = aimed.get(method) ?? new FaultQueue();
    queue.push(1, fault);
    aimed.set(method, queue);
  };
  const workspace: SlackWorkspace = createSlackWorkspace({ botUserId, users: options.users ?? DEFAULT_USERS, clock });
  const requests: RecordedRequest[] = [];
  let messages: FakeSlackMessage[] = [];
  let updates: FakeSlackUpdate[] = [];
  let invites: FakeSlackInvite[] = [];
  let buckets = new Map<string, { tokens: number; atMs: number }>();
  let violations = 0;
  let lostAnswers = new Map<string, LostAnswer[]>();

  const withinRate = (channel: string): boolean => {
    const nowMs = clock.now().getTime();
    const bucket = buckets.get(channel) ?? { tokens: burst, atMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + (nowMs - bucket.atMs) / POST_INTERVAL_MS);
    bucket.atMs = nowMs;
    buckets.set(channel, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const methods: Record<string, (p: Record<string, unknown>) => Record<string, unknown>> = {
    'chat.postMessage': (p) => {
      const channel = workspace.postableChannel(str(p.channel));
      const error = messageError(p);
      if (error) throw new SlackApiError(error);
      if (!withinRate(channel)) throw new RateLimited();
      const ts = workspace.nextTs();
      const message: FakeSlackMessage = { channel, ts, at: clock.now(), ...pick(p, ['text', 'blocks', 'attachments', 'metadata']) };
      const key = idempotencyKeyOf(p.metadata);
      if (key) message.idempotencyKey = key;
      messages.push(message);
      workspace.rememberMessage(channel, ts);
      return { ok: true, channel, ts, message: { type: 'message', user: botUserId, ts, text: p.text ?? '', blocks: p.blocks, attachments: p.attachments } };
    },
    'chat.update': (p) => {
      const channel = str(p.channel);
      const ts = str(p.ts);
      workspace.requireMessage(channel, ts);
      const error = messageError(p);
      if (error) throw new SlackApiError(error);
      updates.push({ channel, ts, body: redactToken(p), at: clock.now() });
      return { ok: true, channel, ts, text: p.text ?? '' };
    },
    'pins.add': (p) => (workspace.pin(str(p.channel), str(p.timestamp)), { ok: true }),
    'conversations.create': (p) => ({ ok: true, channel: workspace.create(str(p.name), p.is_private === true || p.is_private === 'true') }),
    'conversations.invite': (p) => {
      const channel = str(p.channel);
      const force = p.force === true || p.force === 'true';
      const users = str(p.users).split(',').map((u) => u.trim()).filter(Boolean);
      const result = workspace.invite(channel, users, force);
      invites.push({ channel, users, force, errors: result.errors });
      if (result.errors.length === 0) return { ok: true, channel: result.channel };
      return { ok: false, error: result.errors[0]!.error, errors: result.errors.map((e) => ({ ...e, ok: false })) };
    },
    'conversations.kick': (p) => (workspace.kick(str(p.channel), str(p.user)), { ok: true }),
    'conversations.rename': (p) => ({ ok: true, channel: workspace.rename(str(p.channel), str(p.name)) }),
    'conversations.setPurpose': (p) => {
      const purpose = str(p.purpose);
      return { ok: true, purpose, channel: workspace.setPurpose(str(p.channel), purpose) };
    },
    'conversations.archive': (p) => (workspace.archive(str(p.channel)), { ok: true }),
    'conversations.list': (p) => {
      const page = workspace.list({
        types: str(p.types),
        excludeArchived: p.exclude_archived === true || p.exclude_archived === 'true',
        limit: p.limit === undefined ? undefined : str(p.limit),
        cursor: str(p.cursor),
      });
      return { ok: true, channels: page.channels, response_metadata: { next_cursor: page.nextCursor } };
    },
    'auth.test': () => ({
      ok: true,
      url: 'https://fake-workspace.slack.com/',
      team: 'Fake Workspace',
      user: 'warroom',
      team_id: 'T0FAKETEAM',
      user_id: botUserId,
      bot_id: `B${botUserId.slice(1)}`,
      is_enterprise_install: false,
    }),
    'users.lookupByEmail': (p) => ({ ok: true, user: workspace.lookupByEmail(str(p.email)) }),
  };

  const server: HttpFakeServer = await startHttpFakeServer((req, rawBody, res) => {
    const params = parseParams(req, rawBody);
    const record = (status: number, refusal?: string) => {
      const entry = recordOf('slack', req, rawBody, redactToken(params), status, refusal);
      if (entry.headers.authorization) entry.headers.authorization = 'Bearer [redacted]';
      requests.push(entry);
      options.onRequest?.(entry);
    };
    const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      record(status, body.ok === false ? String(body.error) : undefined);
      sendJson(res, status, body, headers);
    };

    const method = /^\/api\/([A-Za-z.]+)$/.exec((req.url ?? '/').split('?')[0] ?? '')?.[1];
    if (req.method !== 'POST' || !method) return answer(404, { ok: false, error: 'unknown_method' });
    const token = bearer(req) ?? (typeof params.token === 'string' ? params.token : undefined);
    if (!token) return answer(200, { ok: false, error: 'not_authed' });
    if (token !== botToken) return answer(200, { ok: false, error: 'invalid_auth' });

    const fault = aimed.get(method)?.take() ?? faults.take();
    if (fault?.kind === 'hang') {
      record(0, 'hang');
      return server.hang(res);
    }
    if (fault?.kind === 'fail') {
      if (fault.status === 429) return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfter ?? 1) });
      return answer(fault.status, { ok: false, error: fault.message ?? 'internal_error' });
    }

    const handler = methods[method];
    if (!handler) return answer(200, { ok: false, error: 'unknown_method' });
    try {
      const body = handler(params);
      const lost = lostAnswers.get(method)?.shift();
      if (lost === undefined) return answer(200, body);
      // Done, but the client never learns it.
      if (lost === 'hang') {
        record(0, 'answer lost');
        return server.hang(res);
      }
      record(lost, 'answer lost');
      return sendJson(res, lost, { ok: false, error: 'internal_error' });
    } catch (error) {
      if (error instanceof RateLimited) {
        violations += 1;
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      }
      if (error instanceof SlackApiError) return answer(200, { ok: false, error: error.code });
      throw error;
    }
  }, { port: options.port });

  return {
    url: server.url,
    apiUrl: `${server.url}/api/`,
    botToken,
    signingSecret,
    botUserId,
    requests,
    messages: () => [...messages],
    updates: () => [...updates],
    pins: () => workspace.pins(),
    channels: () => workspace.channels(),
    invites: () => [...invites],
    users: () => workspace.users(),
    addUser: (user) => workspace.addUser(user),
    seedChannel: (name, members = [], seed) => workspace.seed(name, members, seed),
    rateViolations: () => violations,
    throttleNext: (retryAfterSec = 1, method) => queueFault(method, { kind: 'fail', status: 429, retryAfter: retryAfterSec }),
    serverErrorNext: (status = 500, method) => queueFault(method, { kind: 'fail', status }),
    rejectNext: (error = 'invalid_blocks', method) => queueFault(method, { kind: 'fail', status: 200, message: error }),
    hangNext: (method) => queueFault(method, { kind: 'hang' }),
    loseAnswerNext: (method = 'conversations.create', lost = 'hang') => void lostAnswers.set(method, [...(lostAnswers.get(method) ?? []), lost]),
    postInbound: (url, body, postOptions = {}) => postInbound(url, body, { ...postOptions, signingSecret }),
    reset: () => {
      faults.clear();
      aimed = new Map();
      server.releaseHung();
      requests.length = 0;
      messages = [];
      updates = [];
      invites = [];
      buckets = new Map();
      violations = 0;
      lostAnswers = new Map();
      workspace.reset();
    },
    close: () => server.close(),
  };
}

class RateLimited extends Error {}

/** Form bodies carry JSON-valued fields (blocks, attachments, metadata) as strings; decode them. */
function parseParams(req: IncomingMessage, rawBody: Buffer): Record<string, unknown> {
  const text = rawBody.toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  const params: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    params[name] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return params;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

function redactToken(params: Record<string, unknown>): Record<string, unknown> {
  const { token, ...rest } = params;
  return token === undefined ? rest : { ...rest, token: '[redacted]' };
}

function idempotencyKeyOf(metadata: unknown): string | undefined {
  const key = (metadata as { event_payload?: { idempotency_key?: unknown } } | undefined)?.event_payload?.idempotency_key;
  return typeof key === 'string' ? key : undefined;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : String(value));

function pick(p: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
}
