import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError, formatIncidentRef } from '../kernel/index.js';
import { roleAllows } from '../domain/access/index.js';
import { findIncident } from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';
import { LiveFeedRefused, RoomLiveFeed, type LiveRoomEvent, type LiveSubscription, type RoomLiveFeedOptions } from './room-live-feed.js';

/** Close codes of the live room socket, beyond the standard ones (1001 going away, 1011 server error, 1013 try again later). */
export const LIVE_CLOSE = {
  unauthorized: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooMany: 4429,
} as const;

export interface LiveRoomRouteOptions extends RoomLiveFeedOptions {
  /** A feed made by the caller (tests read its counters); otherwise one is made here. Closed with the server either way. */
  feed?: RoomLiveFeed;
  /** Ping interval; a socket that has not answered the previous ping by the next one is terminated. */
  heartbeatMs?: number;
  /** A client that lets this much pile up unsent is closed (1013) and may resume with after=. */
  maxBufferedBytes?: number;
}

const params = z.object({ id: z.string().describe('incident id or INC-n') });
const querystring = z.object({
  token: z.string().max(512).optional().describe('an API token (browsers cannot set headers on websockets); the Authorization header wins when present'),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('resume: send every message with a higher id first'),
});

/** Close reasons are limited to 123 bytes. */
const reasonOf = (text: string): string => {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
};

/**
 * GET /api/v1/incidents/:id/room/live: the web room as a websocket. Needs the @fastify/websocket
 * plugin registered on the server before these routes.
 *
 * Sends `{type:'hello', incident, after}`, then `{type:'message', message}` for rows the client has not
 * had and `{type:'update', message}` when one it has changes (the live card). The socket is upgraded
 * before authentication so a browser can see why it was refused: 4401 bad or missing token, 4403 role,
 * 4404 unknown incident, 4429 too many viewers.
 */
export async function liveRoomRoutes(scope: FastifyInstance, ctx: Pick<HttpContext, 'db' | 'clock' | 'logger' | 'tokens'>, options: LiveRoomRouteOptions = {}): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const logger = ctx.logger.child({ component: 'room-live' });
  const feed = options.feed ?? new RoomLiveFeed(ctx.db, ctx.clock, logger, options);
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;

  // One heartbeat for every socket of this route; it runs only while sockets are open.
  const alive = new Map<WebSocket, boolean>();
  let heartbeat: NodeJS.Timeout | null = null;
  const beat = () => {
    for (const [socket, answered] of alive) {
      if (!answered) {
        socket.terminate();
        alive.delete(socket);
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
    if (!alive.size && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  };
  const watch = (socket: WebSocket) => {
    alive.set(socket, true);
    socket.on('pong', () => {
      if (alive.has(socket)) alive.set(socket, true);
    });
    if (!heartbeat) {
      heartbeat = setInterval(beat, heartbeatMs);
      heartbeat.unref();
    }
  };

  // @fastify/websocket's preClose has closed the sockets already; whatever is left goes now, then the poller stops.
  app.addHook('onClose', async () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    for (const socket of alive.keys()) socket.terminate();
    alive.clear();
    await feed.close();
  });

  app.get('/api/v1/incidents/:id/room/live', {
    websocket: true,
    schema: { tags: ['war room'], summary: 'The web room live (websocket): hello, then message and update events; ?token= and ?after= to resume', params, querystring },
  }, async (socket, request) => {
    let subscription: LiveSubscription | null = null;
    let closed = false;
    const close = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      subscription?.close();
      socket.close(code, reasonOf(reason));
    };
    socket.on('close', () => {
      closed = true;
      alive.delete(socket);
      subscription?.close();
    });
    // The client has nothing to say; what it sends is ignored (the plugin bounds its size).
    socket.on('message', () => {});
    watch(socket);

    // The token travels in the URL for browsers: it is never logged, and the route's log lines carry
    // the token's name, not the request URL.
    const header = request.headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const token = bearer ?? request.query.token;
    const refuse = (code: number, reason: string, detail: Record<string, unknown> = {}) => {
      logger.info({ code, reason, ip: request.ip, ...detail }, 'live room socket refused');
      close(code, reason);
    };
    if (!token) return refuse(LIVE_CLOSE.unauthorized, 'send an API token: ?token=<token> or Authorization: Bearer <token>');
    try {
      const principal = await ctx.tokens.authenticate(token, ctx.clock.now().getTime());
      if (!principal) return refuse(LIVE_CLOSE.unauthorized, 'the API token is unknown or revoked');
      if (!roleAllows(principal.role, 'viewer')) return refuse(LIVE_CLOSE.forbidden, 'this needs the viewer role', { principal: principal.name });
      let incident;
      try {
        incident = await findIncident(ctx.db, request.params.id);
      } catch (error) {
        if (error instanceof NotFoundError) return refuse(LIVE_CLOSE.notFound, error.message, { principal: principal.name });
        throw error;
      }
      if (closed) return;
      const ref = formatIncidentRef(incident.number);
      const send = (event: LiveRoomEvent) => {
        if (closed || socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBuffered) {
          logger.info({ incident: ref, principal: principal.name }, 'live room socket too slow; closed');
          return close(1013, 'too slow; reconnect with after=<last id>');
        }
        socket.send(JSON.stringify(event));
      };
      const drained = async () => {
        while (!closed && socket.bufferedAmount > maxBuffered / 4) await new Promise((resolve) => setTimeout(resolve, 20));
      };
      try {
        subscription = feed.subscribe({ incidentId: incident.id, ref, after: request.query.after ?? null }, { send, drained });
      } catch (error) {
        if (error instanceof LiveFeedRefused) return refuse(error.code, error.message, { principal: principal.name, incident: ref });
        throw error;
      }
      logger.debug({ incident: ref, principal: principal.name, after: request.query.after ?? null }, 'live room socket open');
      await subscription.ready;
    } catch (error) {
      if (error instanceof LiveFeedRefused) return close(error.code, error.message);
      if (!closed) logger.error({ err: error }, 'live room socket failed');
      close(1011, 'internal error; see the server log');
    }
  });
}
