import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../kernel/index.js';
import { acceptChatEvent } from '../domain/chatops/index.js';
import type { InboundRequest } from '../providers/api.js';
import type { HttpContext } from './app-context.js';
import { BODY_LIMIT_BYTES } from './server-limits.js';

/**
 * Chat platform callbacks (events, card buttons, URL verification): one URL per provider. Bodies are
 * kept raw, because signatures are computed over the exact bytes the platform sent.
 */
export async function chatRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.route({
    method: ['GET', 'POST'],
    url: '/api/v1/chat/:provider/events',
    schema: {
      tags: ['chat'],
      summary: 'Callback URL for a chat platform: events, card button callbacks and URL verification',
      description: 'Configure this URL in the platform (Feishu: event and card callback request URL; Slack: Event Subscriptions and Interactivity; WeCom: the app callback URL). Requests are verified by signature with a 5-minute replay window; anything else is 401.',
      params: z.object({ provider: z.string() }),
    },
    handler: async (request, reply) => {
      const { provider } = request.params as { provider: string };
      const inbound = ctx.chatInbound(provider);
      if (!inbound) throw new NotFoundError(`channels.${provider} is not configured to receive callbacks`);
      const raw: InboundRequest = {
        method: request.method,
        headers: request.headers,
        query: Object.fromEntries(Object.entries((request.query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        now: ctx.clock.now(),
      };
      const result = await inbound.verifier.handle(raw);
      const answer =
        result.kind === 'event'
          ? result.reply(await acceptChatEvent(ctx.db, result.event, { now: ctx.clock.now(), autoCloseAfterMs: ctx.settings().autoCloseAfterMs, provider, capture: ctx.settings().warRooms.capture, repliesInline: inbound.repliesInline }))
          : result.reply;
      if (answer.contentType) reply.header('content-type', answer.contentType);
      return reply.status(answer.status).send(answer.body);
    },
  });
}
