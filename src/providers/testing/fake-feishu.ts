import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../kernel/index.js';
import {
  callbackRequest,
  cardActionEnvelope,
  challengeBody,
  legacyCardBody,
  messageEventEnvelope,
  postCallback,
  type CallbackOptions,
  type CardActionInput,
  type LegacyCardInput,
  type MessageEventInput,
  type SignedCallback,
} from './fake-feishu-callbacks.js';
import { isBotHook, routeBot } from './fake-feishu-bot.js';
import { routeIm } from './fake-feishu-im.js';
import {
  FakeFeishuState,
  type FakeCall,
  type FakeFeishuBotMessage,
  type FakeFeishuChat,
  type FakeFeishuEdit,
  type FakeFeishuMemberCall,
  type FakeFeishuMessage,
  type FakeFeishuPin,
  type FakeFeishuRobot,
  type FakeFeishuSend,
  type FakeFeishuUrgent,
  type FakeFeishuUser,
  type FakeRateViolation,
} from './fake-feishu-state.js';
import { FaultQueue, type Fault } from './fault-queue.js';
import { sendJson, startHttpFakeServer } from './http-fake-server.js';
import { recordOf, type RecordedRequest, type RequestListener } from './recorded-request.js';

export * from './fake-feishu-callbacks.js';
export type * from './fake-feishu-state.js';

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  /** People batch_get_id finds (by email or mobile). */
  directory?: FakeFeishuUser[];
  /** Ids every call refuses as invalid (urgent, members, receive_id). */
  invalidUserIds?: string[];
  /** Custom bots by webhook token. */
  robots?: Record<string, FakeFeishuRobot>;
  /**
   * How long a member call is held at least (20 ms by default), so overlapping calls on one chat
   * are caught; a second call on the chat ends the hold at once. See members() in fake-feishu-im.ts.
   */
  memberHoldMs?: number;
  onRequest?: RequestListener;
  clock?: Clock;
  /** Group chats the bot is already in (as a team's existing ops chat would be); they survive reset(). */
  chats?: { chatId: string; name: string; members?: string[] }[];
  /** A fixed port (warroom dev-chat); a random one by default. */
  port?: number;
}

export interface FakeFeishu {
  /** Use as the SDK `domain` (no trailing slash). */
  readonly url: string;
  readonly appId: string;
  readonly appSecret: string;
  /** Every request, accepted or not, with the status the fake answered. */
  readonly requests: RecordedRequest[];
  /** Every accepted im.message.create / reply, in order (uuid repeats included, flagged `duplicate`). */
  sends(): FakeFeishuSend[];
  /** Distinct messages, with their current content. */
  messages(): FakeFeishuMessage[];
  /** Accepted card PATCHes (and, with `edits()`, PUT edits of text/post). */
  patches(): FakeFeishuEdit[];
  edits(): FakeFeishuEdit[];
  urgents(): FakeFeishuUrgent[];
  /** Pinned messages, one entry per message however often it was pinned (repeats answer the first pin). */
  pins(): FakeFeishuPin[];
  chats(): FakeFeishuChat[];
  chat(chatId: string): FakeFeishuChat | undefined;
  memberCalls(): FakeFeishuMemberCall[];
  lookups(): { emails: string[]; mobiles: string[] }[];
  cardUpdates(): { token: string; card: unknown }[];
  botMessages(): FakeFeishuBotMessage[];
  rateViolations(): FakeRateViolation[];
  /** Tenant tokens issued so far. */
  tokensIssued(): number;
  /** Next API call: HTTP 429, code 99991400, x-ogw-ratelimit-reset (bot hook: code 11232). */
  throttleNext(resetSec?: number): void;
  serverErrorNext(status?: number): void;
  /** Next API call: HTTP 400 with a business code (bot hook: code 9499). */
  rejectNext(code?: number, msg?: string): void;
  hangNext(): void;
  /** The next authorised call whose path matches gets this fault (e.g. only the buzz after a send). */
  failNextOn(path: RegExp, fault: Fault): void;
  /** Forgets every tenant token issued, as if they had expired early: calls with them get 401 99991663. */
  revokeTokens(): void;
  /** While set, the token endpoint answers this non-zero code (null to stop). */
  failTokens(code: number | null): void;
  setDirectory(users: FakeFeishuUser[]): void;
  addRobot(token: string, robot: FakeFeishuRobot): void;
  reset(): void;
  close(): Promise<void>;
  // The caller side, for inbound tests (also exported as plain functions).
  callbackRequest(body: unknown, options?: CallbackOptions): SignedCallback;
  cardAction(input: Omit<CardActionInput, 'appId'>): ReturnType<typeof cardActionEnvelope>;
  messageEvent(input: Omit<MessageEventInput, 'appId'>): ReturnType<typeof messageEventEnvelope>;
  legacyCard(input: LegacyCardInput): ReturnType<typeof legacyCardBody>;
  challenge(token: string, challenge?: string): ReturnType<typeof challengeBody>;
  postCallback(url: string, envelope: unknown, options?: CallbackOptions): Promise<{ status: number; body: unknown }>;
}

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

/**
 * A local stand-in for the Feishu open platform (reference §6 "Feishu" items 1–11 and 14): tenant
 * tokens checked against the app's credentials, a Bearer token on everything else, chats and
 * members (232019 when member calls on one chat overlap), messages with uuid dedup and size
 * limits, card patches, buzzes, pins, the contact lookup, delayed card updates, 5 QPS per receive_id
 * (counted in rateViolations), and the custom-bot webhook with its signature and limits.
 * Faults queued with throttleNext & co. hit the next authorised call, never the token endpoint.
 */
export async function startFakeFeishu(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const appId = options.appId ?? 'cli_fakeapp0001';
  const appSecret = options.appSecret ?? 'fake-feishu-app-secret-0001';
  const clock = options.clock ?? systemClock;
  const memberHoldMs = options.memberHoldMs ?? 20;
  const invalidUserIds = new Set(options.invalidUserIds ?? []);
  let directory = [...(options.directory ?? [])];
  const robots = new Map(Object.entries(options.robots ?? {}));
  const faults = new FaultQueue();
  let pathFaults: { path: RegExp; fault: Fault }[] = [];
  let tokenFailure: number | null = null;
  const seeded = (fresh: FakeFeishuState): FakeFeishuState => {
    for (const c of options.chats ?? []) fresh.chats.set(c.chatId, { chatId: c.chatId, name: c.name, description: '', members: [...(c.members ?? [])], status: 'normal' });
    return fresh;
  };
  let state = seeded(new FakeFeishuState(clock));
  let requests: RecordedRequest[] = [];

  const server = await startHttpFakeServer((req, rawBody, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: Record<string, unknown> = {};
    let parsedBody: unknown;
    try {
      parsedBody = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : undefined;
      if (parsedBody && typeof parsedBody === 'object' && !Array.isArray(parsedBody)) body = parsedBody as Record<string, unknown>;
    } catch {
      parsedBody = undefined;
    }
    const bot = isBotHook(url.pathname);
    const record = (status: number, refusal?: string) => {
      const entry = recordOf(bot ? 'feishu-bot' : 'feishu', req, rawBody, parsedBody, status, refusal);
      requests.push(entry);
      options.onRequest?.(entry);
    };
    const call: FakeCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
      rawBody,
      headers: req.headers,
      send: (status, answer, headers = {}, refusal) => {
        record(status, refusal);
        sendJson(res, status, answer, headers);
      },
      ok: (data) => call.send(200, { code: 0, msg: 'success', data }),
      fail: (status, code, msg, headers) => call.send(status, { code, msg, error: { log_id: randomBytes(8).toString('hex') } }, headers, msg),
    };

    if (call.method === 'POST' && call.path === TOKEN_PATH) {
      if (tokenFailure !== null) return call.send(200, { code: tokenFailure, msg: 'token request refused (fake failure mode)' }, {}, 'token failure mode');
      if (body.app_id !== appId || body.app_secret !== appSecret) return call.send(200, { code: 10014, msg: 'app secret invalid' }, {}, 'wrong app credentials');
      const token = `t-${randomBytes(20).toString('hex')}`;
      state.tokens.add(token);
      return call.send(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    if (!bot) {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !state.tokens.has(auth.slice(7))) {
        return call.fail(401, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
      }
    }
    const targeted = pathFaults.findIndex((f) => f.path.test(call.path));
    const fault = targeted >= 0 ? pathFaults.splice(targeted, 1)[0]!.fault : faults.take();
    if (fault?.kind === 'hang') {
      record(0, 'hung');
      return server.hang(res);
    }
    if (fault?.kind === 'fail') {
      if (bot) {
        // The bot API answers its own codes with HTTP 200: 11232 when throttled, 9499 for a bad request.
        if (fault.status === 429) return call.send(200, { code: 11232, msg: 'frequency limited', data: {} }, {}, 'injected throttle');
        if (fault.status < 500) return call.send(200, { code: 9499, msg: 'Bad Request', data: {} }, {}, 'injected refusal');
        return call.send(fault.status, { code: fault.code, msg: fault.message ?? 'fault', data: {} }, {}, 'injected fault');
      }
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'x-ogw-ratelimit-reset': String(fault.retryAfter) } : {};
      return call.fail(fault.status, fault.code ?? 1, fault.message ?? 'injected fault', headers);
    }
    if (bot) return routeBot(state, call, robots, clock);
    if (!routeIm(state, call, { appId, memberHoldMs, invalidUserIds, directory: () => directory, clock })) {
      return call.fail(404, 404, `no route ${call.method} ${call.path}`);
    }
  }, { port: options.port });

  const fake: FakeFeishu = {
    url: server.url,
    appId,
    appSecret,
    get requests() {
      return requests;
    },
    sends: () => [...state.sends],
    messages: () => [...state.messages.values()],
    patches: () => state.edits.filter((e) => e.method === 'PATCH'),
    edits: () => state.edits.filter((e) => e.method === 'PUT'),
    urgents: () => [...state.urgents],
    pins: () => [...state.pins.values()].map((p) => ({ ...p })),
    chats: () => [...state.chats.values()],
    chat: (chatId) => state.chats.get(chatId),
    memberCalls: () => [...state.memberCalls],
    lookups: () => [...state.lookups],
    cardUpdates: () => [...state.cardUpdates],
    botMessages: () => [...state.botMessages],
    rateViolations: () => [...state.rateViolations],
    tokensIssued: () => state.tokens.size,
    throttleNext: (resetSec = 1) => faults.push(1, { kind: 'fail', status: 429, code: 99991400, message: 'request trigger frequency limit', retryAfter: resetSec }),
    serverErrorNext: (status = 500) => faults.push(1, { kind: 'fail', status, code: 1500, message: 'internal error' }),
    rejectNext: (code = 230001, msg = 'Your request contains an invalid request parameter.') => faults.push(1, { kind: 'fail', status: 400, code, message: msg }),
    hangNext: () => faults.push(1, { kind: 'hang' }),
    failNextOn: (path, fault) => pathFaults.push({ path, fault }),
    revokeTokens: () => state.tokens.clear(),
    failTokens: (code) => {
      tokenFailure = code;
    },
    setDirectory: (users) => {
      directory = [...users];
    },
    addRobot: (token, robot) => robots.set(token, robot),
    reset: () => {
      faults.clear();
      pathFaults = [];
      server.releaseHung();
      tokenFailure = null;
      // Tokens survive a reset, as a provider's cached token would survive in Feishu.
      const tokens = state.tokens;
      state = seeded(new FakeFeishuState(clock));
      state.tokens = tokens;
      requests = [];
    },
    close: () => server.close(),
    callbackRequest,
    cardAction: (input) => cardActionEnvelope({ ...input, appId }),
    messageEvent: (input) => messageEventEnvelope({ ...input, appId }),
    legacyCard: legacyCardBody,
    challenge: challengeBody,
    postCallback,
  };
  return fake;
}
