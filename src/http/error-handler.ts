import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../kernel/index.js';

export interface ErrorBody {
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
  details?: unknown;
}

const FASTIFY_CODES: Record<string, { status: number; error: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'invalid_json', message: 'the request body is empty; send a JSON document' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'payload_too_large', message: 'the request body is larger than the 1 MiB limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported_media_type', message: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'invalid_request', message: 'Content-Length does not match the body' },
};

/** Maps every error to a clear JSON reply; 5xx details stay in the log, never in the reply. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // PagerDuty-compatible clients expect PagerDuty's error shape from /v2/enqueue.
    if (request.url.startsWith('/v2/') && (error.statusCode ?? 500) < 500) {
      const status = error.statusCode ?? 400;
      const known = error.code ? FASTIFY_CODES[error.code] : undefined;
      return reply.status(known?.status ?? status).send({ status: 'invalid event', message: known?.message ?? 'Event object is invalid', errors: [error.message] });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        path: `${error.validationContext ?? 'body'}${issue.instancePath.replace(/\//g, '.')}`,
        message: issue.message ?? 'invalid',
      }));
      return reply.status(400).send({ error: 'invalid_request', message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues } satisfies ErrorBody);
    }
    if (error instanceof AppError) {
      return reply.status(error.status).send({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } satisfies ErrorBody);
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) {
      return reply.status(known.status).send({ error: known.error, message: known.message ?? `the body is not valid JSON: ${error.message}` } satisfies ErrorBody);
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: 'internal_error', message: `internal error (request ${request.id}); see the server log` } satisfies ErrorBody);
    }
    return reply.status(status).send({ error: 'invalid_request', message: error.message } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody),
  );
}
