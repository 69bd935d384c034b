import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HttpContext } from './app-context.js';
import { IncidentLiveFeed, type IncidentLiveFeedOptions } from './incident-live-feed.js';
import { Heartbeat, serveLiveSocket } from './live-socket.js';

export interface IncidentLiveRouteOptions extends IncidentLiveFeedOptions {
  /** A feed made by the caller (tests read its counters); otherwise one is made here. Closed with the server either way. */
  feed?: IncidentLiveFeed;
  /** Ping interval; a socket that has not answered the previous ping by the next one is terminated. */
  heartbeatMs?: number;
  /** A client that lets this much pile up unsent is closed (1013) and may resume with after=. */
  maxBufferedBytes?: number;
}

const querystring = z.object({
  token: z.string().max(512).optional().describe('an API token (browsers cannot set headers on websockets); the Authorization header wins when present. Without one, the console\'s session cookie is used'),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('resume: the last event_id received; the events after it are sent first'),
});

/**
 * GET /api/v1/live: every change to any incident, as a websocket, so the console's lists and pages
 * update without a reload. Needs the @fastify/websocket plugin registered before these routes.
 *
 * Sends `{type:'hello', cursor}` then `{type:'incident', event_id, incident_id, ref, kind, severity,
 * status, title, service_id, at}` per timeline event. Refusals close the socket: 4401 bad or missing
 * credentials, 4403 role or a cookie from another site, 4429 too many connections.
 */
export async function incidentLiveRoutes(scope: FastifyInstance, ctx: HttpContext, options: IncidentLiveRouteOptions = {}): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const logger = ctx.logger.child({ component: 'incident-live' });
  const feed = options.feed ?? new IncidentLiveFeed(ctx.db, ctx.clock, logger, options);
  const heartbeat = new Heartbeat(options.heartbeatMs ?? 30_000);
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;

  app.addHook('onClose', async () => {
    heartbeat.close();
    await feed.close();
  });

  app.get('/api/v1/live', {
    websocket: true,
    schema: { tags: ['incidents'], summary: 'Every incident change, live (websocket): hello, then one incident event per timeline event; ?token= (or the session cookie) and ?after= to resume', querystring },
  }, (socket, request) =>
    serveLiveSocket(socket, request, {
      ctx,
      logger,
      label: 'incident live',
      heartbeat,
      maxBufferedBytes,
      queryToken: request.query.token,
      open: async (_principal, sink) => {
        const after = request.query.after ?? null;
        return { subscription: feed.subscribe({ after }, sink), detail: { after } };
      },
    }),
  );
}
