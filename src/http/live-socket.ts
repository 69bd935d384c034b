import type { FastifyRequest } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { NotFoundError, type Logger } from '../kernel/index.js';
import { SESSION_COOKIE, roleAllows, type Principal } from '../domain/access/index.js';
import type { HttpContext } from './app-context.js';
import { principalFromRequest, sessionCookieOf } from './auth.js';
import { LiveFeedRefused, type LiveSink, type LiveSubscription } from './room-live-types.js';

/** Close codes of the live sockets, beyond the standard ones (1001 going away, 1011 server error, 1013 try again later). */
export const LIVE_CLOSE = {
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooMany: 4429,
} as const;

/** Close reasons are limited to 123 bytes. */
export const closeReason = (text: string): string => {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
};

/**
 * One ping timer for every socket of a route, running only while sockets are open. A socket that
 * has not answered the previous ping by the next one is terminated.
 */
export class Heartbeat {
  private readonly alive = new Map<WebSocket, boolean>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  watch(socket: WebSocket): void {
    this.alive.set(socket, true);
    socket.on('pong', () => {
      if (this.alive.has(socket)) this.alive.set(socket, true);
    });
    socket.on('close', () => this.alive.delete(socket));
    if (!this.timer) {
      this.timer = setInterval(() => this.beat(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Terminates whatever is left (the websocket plugin's preClose has closed the rest). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const socket of this.alive.keys()) socket.terminate();
    this.alive.clear();
  }

  private beat(): void {
    for (const [socket, answered] of this.alive) {
      if (!answered) {
        socket.terminate();
        this.alive.delete(socket);
        continue;
      }
      this.alive.set(socket, false);
      socket.ping();
    }
    if (!this.alive.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

type Refusal = { code: number; reason: string };

/** True when the page that opened the socket is served by this host (browsers always send Origin on websockets). */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  return host === request.headers.host || host === request.host;
}

/**
 * Who may watch: an API token (Authorization header or ?token=, for browsers cannot set headers on
 * websockets) or the console's session cookie, with the viewer role. A cookie rides along on
 * cross-site upgrades too, so a cookie-only upgrade from a foreign Origin is refused (cross-site
 * websocket hijacking); a token proves itself.
 */
export async function authenticateLiveSocket(ctx: HttpContext, request: FastifyRequest, queryToken: string | undefined): Promise<Principal | Refusal> {
  const bearer = /^Bearer\s+\S+$/i.test(request.headers.authorization ?? '');
  const hasToken = bearer || Boolean(queryToken);
  const hasCookie = Boolean(sessionCookieOf(request));
  if (!hasToken && hasCookie && !sameOrigin(request)) {
    return { code: LIVE_CLOSE.forbidden, reason: `the ${SESSION_COOKIE} cookie is not accepted from another site (Origin does not match Host)` };
  }
  const principal = await principalFromRequest(ctx, request, { queryToken });
  if (!principal) {
    if (hasToken) return { code: LIVE_CLOSE.unauthorized, reason: 'the API token is unknown or revoked' };
    if (hasCookie) return { code: LIVE_CLOSE.unauthorized, reason: 'the session has ended or expired; sign in again' };
    return { code: LIVE_CLOSE.unauthorized, reason: 'sign in, or send an API token: ?token=<token> or Authorization: Bearer <token>' };
  }
  if (!roleAllows(principal.role, 'viewer')) return { code: LIVE_CLOSE.forbidden, reason: 'this needs the viewer role' };
  return principal;
}

export interface LiveSocketOptions<E> {
  ctx: HttpContext;
  logger: Logger;
  /** Names the socket in log lines: "<label> socket open". */
  label: string;
  heartbeat: Heartbeat;
  /** A client that lets this much pile up unsent is closed (1013) and may resume with after=. */
  maxBufferedBytes: number;
  queryToken: string | undefined;
  /** Starts the stream once the caller is known; may throw LiveFeedRefused or NotFoundError to refuse. */
  open(principal: Principal, sink: LiveSink<E>): Promise<{ subscription: LiveSubscription; detail: Record<string, unknown> }>;
}

/**
 * Runs one live socket: authentication, the stream, backpressure and teardown. The socket is upgraded
 * before authentication so a browser can see why it was refused in the close code and reason.
 */
export async function serveLiveSocket<E>(socket: WebSocket, request: FastifyRequest, options: LiveSocketOptions<E>): Promise<void> {
  const { logger, label, maxBufferedBytes: maxBuffered } = options;
  let subscription: LiveSubscription | null = null;
  let closed = false;
  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    subscription?.close();
    socket.close(code, closeReason(reason));
  };
  socket.on('close', () => {
    closed = true;
    subscription?.close();
  });
  // The client has nothing to say; what it sends is ignored (the plugin bounds its size).
  socket.on('message', () => {});
  options.heartbeat.watch(socket);

  // Tokens travel in the URL for browsers: log lines carry the principal's name, never the URL.
  const refuse = (code: number, reason: string, detail: Record<string, unknown> = {}) => {
    logger.info({ code, reason, ip: request.ip, ...detail }, `${label} socket refused`);
    close(code, reason);
  };
  let who: string | undefined;
  try {
    const principal = await authenticateLiveSocket(options.ctx, request, options.queryToken);
    if (!('role' in principal)) return refuse(principal.code, principal.reason);
    who = principal.name;
    if (closed) return;
    const sink: LiveSink<E> = {
      send: (event) => {
        if (closed || socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBuffered) {
          logger.info({ principal: who }, `${label} socket too slow; closed`);
          return close(1013, 'too slow; reconnect with after=<last id>');
        }
        socket.send(JSON.stringify(event));
      },
      drained: async () => {
        while (!closed && socket.bufferedAmount > maxBuffered / 4) await new Promise((resolve) => setTimeout(resolve, 20));
      },
    };
    const opened = await options.open(principal, sink);
    subscription = opened.subscription;
    if (closed) return subscription.close();
    logger.debug({ principal: who, ...opened.detail }, `${label} socket open`);
    await subscription.ready;
  } catch (error) {
    if (error instanceof LiveFeedRefused || error instanceof NotFoundError) {
      const code = error instanceof LiveFeedRefused ? error.code : LIVE_CLOSE.notFound;
      return refuse(code, error.message, { principal: who });
    }
    if (!closed) logger.error({ err: error }, `${label} socket failed`);
    close(1011, 'internal error; see the server log');
  }
}

/** For the OpenAPI description: websockets cannot be described as operations. */
export const LIVE_SOCKETS_DOC = `
## Live updates (websockets)
Two endpoints are websockets; OpenAPI cannot describe those, so they are described here and not among the paths. Authenticate with \`?token=<API token>\` (or the Authorization header), or with the console's session cookie from the same origin. A refusal upgrades, then closes: 4401 missing or bad credentials, 4403 role or a session cookie sent from another site, 4404 unknown incident, 4429 too many connections; 1013 means the client read too slowly and should reconnect with \`after=\`. The server pings every 30 s; what a client sends is ignored.

- \`GET /api/v1/live?after=<event_id>\`: every change to any incident. First \`{"type":"hello","cursor":<event id>}\` (with \`"reload":true\` when \`after\` was too far behind: refetch what you show), then per timeline event \`{"type":"incident","event_id","incident_id","ref","kind","severity","status","title","service_id","at"}\` with the incident's current severity, status and title. A late commit can arrive after a higher \`event_id\`: resume with the highest one received.
- \`GET /api/v1/incidents/{id}/room/live?after=<message id>\`: the incident's web war room. First \`{"type":"hello","incident":"INC-3","after":<message id>}\`, then \`{"type":"message","message":{…}}\` for a message the client has not had and \`{"type":"update","message":{…}}\` when one changes (the live card); \`message\` is shaped as in \`GET /api/v1/incidents/{id}/room/messages\`. Upsert by \`message.id\`.
`.trim();
