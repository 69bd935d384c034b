import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatIncidentRef } from '../kernel/index.js';
import { findIncident } from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';
import { Heartbeat, LIVE_CLOSE, serveLiveSocket } from './live-socket.js';
import { RoomLiveFeed, type RoomLiveFeedOptions } from './room-live-feed.js';

export { LIVE_CLOSE };

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
  token: z.string().max(512).optional().describe('an API token (browsers cannot set headers on websockets); the Authorization header wins when present. Without one, the console\'s session cookie is used'),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('resume: send every message with a higher id first'),
});

/**
 * GET /api/v1/incidents/:id/room/live: the web room as a websocket. Needs the @fastify/websocket
 * plugin registered on the server before these routes.
 *
 * Sends `{type:'hello', incident, after}`, then `{type:'message', message}` for rows the client has not
 * had and `{type:'update', message}` when one it has changes (the live card). The socket is upgraded
 * before authentication so a browser can see why it was refused: 4401 bad or missing credentials,
 * 4403 role or a cookie from another site, 4404 unknown incident, 4429 too many viewers.
 */
export async function liveRoomRoutes(scope: FastifyInstance, ctx: HttpContext, options: LiveRoomRouteOptions = {}): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const logger = ctx.logger.child({ component: 'room-live' });
  const feed = options.feed ?? new RoomLiveFeed(ctx.db, ctx.clock, logger, options);
  const heartbeat = new Heartbeat(options.heartbeatMs ?? 30_000);
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;

  // @fastify/websocket's preClose has closed the sockets already; whatever is left goes now, then the poller stops.
  app.addHook('onClose', async () => {
    heartbeat.close();
    await feed.close();
  });

  app.get('/api/v1/incidents/:id/room/live', {
    websocket: true,
    schema: { tags: ['war room'], summary: 'The web room live (websocket): hello, then message and update events; ?token= (or the session cookie) and ?after= to resume', params, querystring },
  }, (socket, request) =>
    serveLiveSocket(socket, request, {
      ctx,
      logger,
      label: 'live room',
      heartbeat,
      maxBufferedBytes,
      queryToken: request.query.token,
      open: async (_principal, sink) => {
        const incident = await findIncident(ctx.db, request.params.id);
        const ref = formatIncidentRef(incident.number);
        const after = request.query.after ?? null;
        return { subscription: feed.subscribe({ incidentId: incident.id, ref, after }, sink), detail: { incident: ref, after } };
      },
    }),
  );
}
