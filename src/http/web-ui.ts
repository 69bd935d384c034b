import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** web/dist of this checkout, found from this file rather than the working directory. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the API and tooling: never answered with the console. */
const RESERVED = ['/api', '/docs', '/healthz', '/metrics', '/v2'];

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine writes style attributes at runtime.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Vite names everything under assets/ by content hash, so a name never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface WebUiOptions {
  /** The built console (index.html and assets/); tests point it at a temporary directory. */
  distDir?: string;
}

const isReserved = (pathname: string) => RESERVED.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
const acceptsHtml = (request: FastifyRequest) => /\btext\/html\b/.test(request.headers.accept ?? '');

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function setCommonHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
}

/**
 * The web console: files from web/dist, and index.html for any other GET a browser navigates to
 * (/incidents/INC-3, /oncall), so the client-side router takes over. Register it last: every API
 * route is more specific than its catch-all. Without a build, / answers 503 and says how to make one.
 */
export async function webUiRoutes(app: FastifyInstance, options: WebUiOptions = {}): Promise<void> {
  const root = path.resolve(options.distDir ?? DEFAULT_WEB_DIST);
  // Only reply.sendFile (ranges, ETag, 304, traversal guards); routing stays here for the SPA fallback.
  // preCompressed: the build writes .br/.gz next to each asset, sent to browsers that accept them.
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false, dotfiles: 'ignore', suppressWarning: true, preCompressed: true });

  const sendHtml = async (reply: FastifyReply, file: string) => {
    if (!(await isFile(path.join(root, file)))) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('The warroom web console is not built: run `npm run build:web`, then reload. The API and /docs work without it.\n');
    }
    setCommonHeaders(reply);
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    // Always revalidated, so a new build's asset names are picked up at once.
    reply.header('cache-control', 'no-cache');
    return reply.sendFile(file);
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.url.split('?')[0] ?? '/';
    if (isReserved(raw)) return reply.callNotFound();
    if (raw === '/' || raw === '/index.html') return sendHtml(reply, 'index.html');
    let pathname: string;
    try {
      pathname = decodeURIComponent(raw);
    } catch {
      return reply.callNotFound();
    }
    const file = path.join(root, pathname);
    if (!pathname.includes('\0') && file.startsWith(root + path.sep) && (await isFile(file))) {
      if (file.endsWith('.html')) return sendHtml(reply, path.relative(root, file));
      setCommonHeaders(reply);
      reply.header('cache-control', pathname.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
      return reply.sendFile(pathname);
    }
    // A missing asset is a 404, not a page: a stale tab would otherwise parse HTML as JavaScript.
    if (pathname.startsWith('/assets/') || !acceptsHtml(request)) return reply.callNotFound();
    return sendHtml(reply, 'index.html');
  };

  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
}
