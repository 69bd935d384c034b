import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { HttpContext } from './app-context.js';
import { catalogRoutes } from './catalog-routes.js';
import { installErrorHandler } from './error-handler.js';
import { incidentRoutes } from './incident-routes.js';
import { ingestRoutes } from './ingest-routes.js';
import { pagerDutyRoutes } from './pagerduty-routes.js';
import { systemRoutes } from './system-routes.js';
import { escalationRoutes } from './escalation-routes.js';
import { inboundRoutes } from './inbound-routes.js';
import { oncallRoutes } from './oncall-routes.js';
import { silenceRoutes } from './silence-routes.js';

import { BODY_LIMIT_BYTES } from './server-limits.js';
import { chatRoutes } from './chat-routes.js';
import { roomRoutes } from './room-routes.js';
import { followupRoutes } from './followup-routes.js';
import { knowledgeRoutes } from './knowledge-routes.js';
import websocket from '@fastify/websocket';
import { liveRoomRoutes } from './room-live-routes.js';
import { incidentLiveRoutes } from './incident-live-routes.js';
import { LIVE_SOCKETS_DOC } from './live-socket.js';
import { webUiRoutes } from './web-ui.js';
import cookie from '@fastify/cookie';
import { sessionRoutes } from './session-routes.js';
import { accountRoutes } from './account-routes.js';

export { BODY_LIMIT_BYTES };

export async function buildHttpServer(ctx: HttpContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request lines would drown the log at thousands of alerts a second; rejections are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) request.log.info({ method: request.method, url: route, status: reply.statusCode }, 'request rejected');
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'warroom API', version: '1', description: `Alerts in, the right people reached, a war room opened.\n\n${LIVE_SOCKETS_DOC}` },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token' }, session: { type: 'apiKey', in: 'cookie', name: 'warroom_session', description: 'A web console session (POST /api/v1/session); changes also need X-CSRF-Token' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(cookie);

  await app.register(async (scope) => systemRoutes(scope, ctx));
  await app.register(async (scope) => ingestRoutes(scope, ctx));
  await app.register(async (scope) => pagerDutyRoutes(scope, ctx));
  await app.register(async (scope) => incidentRoutes(scope, ctx));
  await app.register(async (scope) => catalogRoutes(scope, ctx));
  await app.register(async (scope) => oncallRoutes(scope, ctx));
  await app.register(async (scope) => escalationRoutes(scope, ctx));
  await app.register(async (scope) => silenceRoutes(scope, ctx));
  await app.register(async (scope) => inboundRoutes(scope, ctx));
  await app.register(async (scope) => chatRoutes(scope, ctx));
  await app.register(async (scope) => roomRoutes(scope, ctx));
  await app.register(async (scope) => followupRoutes(scope, ctx));
  await app.register(async (scope) => knowledgeRoutes(scope, ctx));
  await app.register(async (scope) => liveRoomRoutes(scope, ctx));
  await app.register(async (scope) => incidentLiveRoutes(scope, ctx));
  await app.register(async (scope) => sessionRoutes(scope, ctx));
  await app.register(async (scope) => accountRoutes(scope, ctx));
  // The console's catch-all goes last: every API route is more specific.
  await app.register(async (scope) => webUiRoutes(scope));
  return app;
}
