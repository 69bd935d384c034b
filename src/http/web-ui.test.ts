import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from './error-handler.js';
import { DEFAULT_WEB_DIST, webUiRoutes } from './web-ui.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-3f9a2c.js"></script></head><body><div id="root"></div></body></html>';
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let dir: string;

/** The UI as server.ts mounts it: after the API, with the JSON 404 handler in place. */
async function serve(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandler(app);
  app.get('/api/v1/ping', async () => ({ pong: true }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(async (scope) => webUiRoutes(scope, { distDir }));
  await app.ready();
  return app;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warroom-web-dist-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets', 'index-3f9a2c.js'), 'console.log("console")');
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, '.env'), 'SECRET=1');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('the web console', () => {
  it('serves index.html at / with security headers, revalidated on every load', async () => {
    const app = await serve(dir);
    const reply = await app.inject({ url: '/', headers: HTML });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toBe(INDEX);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.headers['cache-control']).toBe('no-cache');
    expect(reply.headers['content-security-policy']).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('same-origin');
    // A revalidation with the ETag costs no body.
    const again = await app.inject({ url: '/', headers: { ...HTML, 'if-none-match': String(reply.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ url: '/index.html' })).headers['content-security-policy']).toContain("frame-ancestors 'none'");
    await app.close();
  });

  it('caches hashed assets for a year and other files not at all', async () => {
    const app = await serve(dir);
    const asset = await app.inject({ url: '/assets/index-3f9a2c.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ url: '/favicon.svg' })).headers['cache-control']).toBe('no-cache');
    await app.close();
  });

  it('answers client-side routes with index.html when a browser navigates, and nothing else', async () => {
    const app = await serve(dir);
    for (const url of ['/incidents/INC-3', '/oncall', '/incidents/INC-3?tab=timeline']) {
      const reply = await app.inject({ url, headers: HTML });
      expect(reply.statusCode, url).toBe(200);
      expect(reply.body).toBe(INDEX);
      expect(reply.headers['content-security-policy']).toBeDefined();
    }
    // A script asking for a missing asset or a route gets a 404, not HTML.
    expect((await app.inject({ url: '/assets/index-old.js', headers: HTML })).statusCode).toBe(404);
    expect((await app.inject({ url: '/incidents/INC-3', headers: { accept: 'application/json' } })).statusCode).toBe(404);
    await app.close();
  });

  it('leaves the API alone: unknown /api/ paths stay JSON 404s, known routes win', async () => {
    const app = await serve(dir);
    expect((await app.inject({ url: '/api/v1/ping', headers: HTML })).json()).toEqual({ pong: true });
    expect((await app.inject({ url: '/healthz', headers: HTML })).json()).toEqual({ status: 'ok' });
    for (const url of ['/api/v1/nope', '/api', '/docs/missing', '/metrics/x', '/v2/whatever']) {
      const reply = await app.inject({ url, headers: HTML });
      expect(reply.statusCode, url).toBe(404);
      expect(reply.json(), url).toMatchObject({ error: 'not_found' });
    }
    expect((await app.inject({ method: 'POST', url: '/incidents' })).statusCode).toBe(404);
    await app.close();
  });

  it('serves nothing outside the build and no dotfiles', async () => {
    const app = await serve(dir);
    for (const url of ['/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/.env', '/%00']) {
      const reply = await app.inject({ url });
      expect([403, 404], url).toContain(reply.statusCode);
      expect(reply.body).not.toContain('root:');
      expect(reply.body).not.toContain('SECRET');
    }
    await app.close();
  });

  it('answers 503 with the build command while web/dist has no index.html, and recovers once built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'warroom-web-empty-'));
    const missing = join(empty, 'dist');
    const app = await serve(missing);
    const reply = await app.inject({ url: '/', headers: HTML });
    expect(reply.statusCode).toBe(503);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body).toContain('npm run build:web');
    expect((await app.inject({ url: '/oncall', headers: HTML })).statusCode).toBe(503);
    expect((await app.inject({ url: '/api/v1/ping' })).statusCode).toBe(200);

    await mkdir(missing);
    await writeFile(join(missing, 'index.html'), INDEX);
    expect((await app.inject({ url: '/', headers: HTML })).body).toBe(INDEX);
    await app.close();
    await rm(empty, { recursive: true, force: true });
  });

  it('finds web/dist from the source tree, not the working directory', () => {
    expect(DEFAULT_WEB_DIST.replace(/\\/g, '/')).toMatch(/\/web\/dist\/?$/);
    expect(DEFAULT_WEB_DIST).toBe(join(new URL('../..', import.meta.url).pathname, 'web', 'dist/'));
  });
});
