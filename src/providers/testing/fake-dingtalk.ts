import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../../kernel/index.js';
import { FaultQueue } from './fault-queue.js';
import { sendJson, startHttpFakeServer, type HttpFakeServer } from './http-fake-server.js';
import { recordOf, type RecordedRequest, type RequestListener } from './recorded-request.js';

export interface FakeDingtalkRobot {
  /** The robot's 加签 secret (SEC…); when set, every send must carry a valid timestamp and sign. */
  secret?: string;
  /** A security keyword every message must contain. */
  keyword?: string;
}

export interface FakeDingtalkOptions {
  /** Robots by access_token. */
  robots: Record<string, FakeDingtalkRobot>;
  onRequest?: RequestListener;
  clock?: Clock;
  /** What session-webhook replies must carry in x-acs-dingtalk-access-token. */
  sessionAccessToken?: string;
  /** A fixed port (warroom dev-chat); a random one by default. */
  port?: number;
}

/** A message a robot accepted. */
export interface FakeDingtalkMessage {
  accessToken: string;
  msgtype: string;
  body: Record<string, unknown>;
  /** The visible text (content, title + text…), for assertions. */
  text: string;
  /** X-Warroom-Message-Id as sent; DingTalk itself returns no message id. */
  messageId: string | undefined;
  at: Date;
}

export interface FakeDingtalkReply {
  session: string;
  body: Record<string, unknown>;
  text: string;
  at: Date;
}

export interface FakeDingtalk {
  readonly url: string;
  /** The robot's full webhook URL, as configured in warroom. */
  webhookUrl(accessToken: string): string;
  /** A sessionWebhook URL to put in synthetic robot messages; replies to it are recorded. */
  sessionWebhookUrl(session?: string): string;
  readonly sessionAccessToken: string;
  /** Every request, accepted or not; reset() empties it in place. */
  readonly requests: RecordedRequest[];
  messages(accessToken?: string): FakeDingtalkMessage[];
  sessionReplies(): FakeDingtalkReply[];
  /** How often a robot went over 20 messages a minute (or sent while muted for it). */
  rateViolations(): number;
  /** The next send answers errcode 130101 (send too fast). */
  throttleNext(): void;
  /** The next send answers HTTP 500. */
  serverErrorNext(): void;
  /** The next send answers errcode 310000 (ip not in whitelist). */
  rejectNext(): void;
  /** The next send gets no answer until reset() or close(). */
  hangNext(): void;
  /** POSTs a robot message to an HTTP callback, signed as DingTalk signs outgoing robot calls. */
  sendRobotCallback(targetUrl: string, appSecret: string, message: object): Promise<Response>;
  reset(): void;
  close(): Promise<void>;
}

interface Exchange {
  req: IncomingMessage;
  url: URL;
  body: unknown;
  answer(status: number, payload: { errcode: number; errmsg: string }): void;
  hang(): void;
}

const RATE_LIMIT = 20;
const RATE_WINDOW_MS = 60_000;
const MUTE_MS = 10 * 60_000;
const SIGN_WINDOW_MS = 60 * 60_000;
const ERR = {
  noToken: { errcode: 300001, errmsg: 'token is not exist' }, // [U] code from community reports
  tooFast: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }, // [U]
  badBody: (problem: string) => ({ errcode: 40035, errmsg: `缺少参数 json: ${problem}` }), // [U] code
  badSessionToken: { errcode: 40014, errmsg: 'invalid access token' }, // [U]
  security: (reason: string) => ({ errcode: 310000, errmsg: reason }),
};

/**
 * A local stand-in for DingTalk's custom-robot webhook (POST /robot/send?access_token=…) and the
 * session webhooks robot messages carry (POST /robot/sendBySession?session=…). Like DingTalk it
 * answers everything with HTTP 200 and an errcode: unknown token, signature and timestamp (ms,
 * ±1 h), keyword, body shape, and 20 messages a minute per robot, after which the robot is muted
 * for 10 minutes.
 */
export async function startFakeDingtalk(options: FakeDingtalkOptions): Promise<FakeDingtalk> {
  const clock = options.clock ?? systemClock;
  const sessionAccessToken = options.sessionAccessToken ?? 'fake-dingtalk-app-access-token';
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  let messages: FakeDingtalkMessage[] = [];
  let replies: FakeDingtalkReply[] = [];
  let sent = new Map<string, number[]>();
  let mutedUntil = new Map<string, number>();
  let violations = 0;

  const server: HttpFakeServer = await startHttpFakeServer((req, rawBody, res) => {
    const body = parseBody(rawBody);
    const record = (status: number, refusal?: string) => {
      const recorded = recordOf('dingtalk', req, rawBody, body, status, refusal);
      requests.push(recorded);
      options.onRequest?.(recorded);
    };
    const exchange: Exchange = {
      req,
      url: new URL(req.url ?? '/', 'http://fake'),
      body,
      answer: (status, payload) => {
        record(status, status !== 200 ? `HTTP ${status}` : payload.errcode !== 0 ? payload.errmsg : undefined);
        sendJson(res, status, payload);
      },
      hang: () => {
        record(0, 'hung');
        server.hang(res);
      },
    };
    if (req.method === 'POST' && exchange.url.pathname === '/robot/send') return robotSend(exchange);
    if (req.method === 'POST' && exchange.url.pathname === '/robot/sendBySession') return sessionSend(exchange);
    return exchange.answer(404, { errcode: 404, errmsg: 'not found' });
  }, { port: options.port });

  function robotSend({ req, url, body, answer, hang }: Exchange): void {
    const token = url.searchParams.get('access_token') ?? '';
    const robot = Object.hasOwn(options.robots, token) ? options.robots[token]! : undefined;
    if (!robot) return answer(200, ERR.noToken);
    const fault = faults.take();
    if (fault?.kind === 'hang') return hang();
    if (fault?.kind === 'fail') {
      return fault.status === 200 ? answer(200, { errcode: fault.code ?? -1, errmsg: fault.message ?? 'error' }) : answer(fault.status, { errcode: -1, errmsg: '系统繁忙' });
    }
    const now = clock.now().getTime();
    if (robot.secret) {
      const timestamp = url.searchParams.get('timestamp') ?? '';
      if (!/^\d{13}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > SIGN_WINDOW_MS) return answer(200, ERR.security('invalid timestamp'));
      // searchParams decodes the query, so an unencoded "+" in the sign arrives as a space and fails here, as on DingTalk.
      if (url.searchParams.get('sign') !== signOf(robot.secret, timestamp)) return answer(200, ERR.security('sign not match'));
    }
    if ((mutedUntil.get(token) ?? 0) > now) {
      violations += 1;
      return answer(200, ERR.tooFast);
    }
    const recent = (sent.get(token) ?? []).filter((at) => now - at < RATE_WINDOW_MS);
    sent.set(token, recent);
    if (recent.length >= RATE_LIMIT) {
      violations += 1;
      mutedUntil.set(token, now + MUTE_MS);
      return answer(200, ERR.tooFast);
    }
    const problem = robotBodyProblem(body);
    if (problem) return answer(200, ERR.badBody(problem));
    const message = body as Record<string, unknown>;
    const text = visibleText(message);
    if (robot.keyword && !text.includes(robot.keyword)) return answer(200, ERR.security('keywords not in content'));
    recent.push(now);
    const messageId = req.headers['x-warroom-message-id'];
    messages.push({
      accessToken: token,
      msgtype: String(message.msgtype),
      body: message,
      text,
      messageId: Array.isArray(messageId) ? messageId[0] : messageId,
      at: new Date(now),
    });
    return answer(200, { errcode: 0, errmsg: 'ok' });
  }

  function sessionSend({ req, url, body, answer }: Exchange): void {
    if (req.headers['x-acs-dingtalk-access-token'] !== sessionAccessToken) return answer(200, ERR.badSessionToken);
    const problem = robotBodyProblem(body);
    if (problem) return answer(200, ERR.badBody(problem));
    const message = body as Record<string, unknown>;
    replies.push({ session: url.searchParams.get('session') ?? '', body: message, text: visibleText(message), at: clock.now() });
    return answer(200, { errcode: 0, errmsg: 'ok' });
  }

  return {
    url: server.url,
    sessionAccessToken,
    webhookUrl: (accessToken) => `${server.url}/robot/send?access_token=${encodeURIComponent(accessToken)}`,
    sessionWebhookUrl: (session = `s-${randomUUID()}`) => `${server.url}/robot/sendBySession?session=${encodeURIComponent(session)}`,
    requests,
    messages: (accessToken) => messages.filter((m) => accessToken === undefined || m.accessToken === accessToken),
    sessionReplies: () => [...replies],
    rateViolations: () => violations,
    throttleNext: () => faults.push(1, { kind: 'fail', status: 200, code: ERR.tooFast.errcode, message: ERR.tooFast.errmsg }),
    serverErrorNext: () => faults.push(1, { kind: 'fail', status: 500 }),
    rejectNext: () => faults.push(1, { kind: 'fail', status: 200, code: 310000, message: 'ip 203.0.113.9 not in whitelist' }),
    hangNext: () => faults.push(1, { kind: 'hang' }),
    sendRobotCallback: (targetUrl, appSecret, message) => {
      const timestamp = String(clock.now().getTime());
      return fetch(targetUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', timestamp, sign: signOf(appSecret, timestamp) },
        body: JSON.stringify(message),
      });
    },
    reset: () => {
      faults.clear();
      server.releaseHung();
      requests.length = 0;
      messages = [];
      replies = [];
      sent = new Map();
      mutedUntil = new Map();
      violations = 0;
    },
    close: () => server.close(),
  };
}

/** Written out here rather than imported, so the fake checks the provider instead of agreeing with it. */
function signOf(secret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(`${timestamp}\n${secret}`, 'utf8')).digest().toString('base64');
}

function parseBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const BODY_LIMIT_BYTES = 20_000;
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;
const isStringArray = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** What is wrong with a robot body, by DingTalk's documented shapes, or null when it is fine. */
function robotBodyProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body is not a JSON object';
  if (Buffer.byteLength(JSON.stringify(body)) > BODY_LIMIT_BYTES) return 'body over 20000 bytes';
  const message = body as Record<string, unknown>;
  const part = (message[String(message.msgtype)] ?? {}) as Record<string, unknown>;
  const missing = (fields: string[]) => fields.find((field) => !isText(part[field]));
  switch (message.msgtype) {
    case 'text':
      if (missing(['content'])) return 'text.content';
      break;
    case 'markdown':
    case 'link': {
      const field = missing(message.msgtype === 'link' ? ['title', 'text', 'messageUrl'] : ['title', 'text']);
      if (field) return `${message.msgtype}.${field}`;
      break;
    }
    case 'actionCard': {
      const field = missing(['title', 'text']);
      if (field) return `actionCard.${field}`;
      const btns = part.btns;
      const single = isText(part.singleTitle) && isText(part.singleURL);
      const several = Array.isArray(btns) && btns.length > 0 && btns.every((b: { title?: unknown; actionURL?: unknown }) => isText(b?.title) && isText(b?.actionURL));
      if (!single && !several) return 'actionCard needs singleTitle+singleURL or btns[{title, actionURL}]';
      if (part.btnOrientation !== undefined && part.btnOrientation !== '0' && part.btnOrientation !== '1') return 'actionCard.btnOrientation';
      break;
    }
    case 'feedCard': {
      const links = part.links;
      const ok = Array.isArray(links) && links.length > 0 && links.every((l: { title?: unknown; messageURL?: unknown; picURL?: unknown }) => isText(l?.title) && isText(l?.messageURL) && isText(l?.picURL));
      if (!ok) return 'feedCard.links[{title, messageURL, picURL}]';
      break;
    }
    default:
      return `unknown msgtype ${JSON.stringify(message.msgtype)}`;
  }
  const at = message.at;
  if (at === undefined) return null;
  if (!at || typeof at !== 'object' || Array.isArray(at)) return 'at';
  const { atMobiles, atUserIds, isAtAll } = at as Record<string, unknown>;
  if (atMobiles !== undefined && !isStringArray(atMobiles)) return 'at.atMobiles';
  if (atUserIds !== undefined && !isStringArray(atUserIds)) return 'at.atUserIds';
  if (isAtAll !== undefined && typeof isAtAll !== 'boolean') return 'at.isAtAll';
  return null;
}

/** The text a keyword check (and a person) sees: content, or titles and texts. */
function visibleText(message: Record<string, unknown>): string {
  const part = (message[String(message.msgtype)] ?? {}) as Record<string, unknown>;
  const links = Array.isArray(part.links) ? (part.links as { title?: unknown }[]).map((l) => l.title) : [];
  return [part.content, part.title, part.text, ...links].filter((v): v is string => typeof v === 'string').join('\n');
}
