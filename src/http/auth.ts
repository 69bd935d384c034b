import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../kernel/index.js';
import type { Role } from '../contracts/index.js';
import { SESSION_COOKIE, SessionAuthenticator, roleAllows, sessionPrincipal, type Principal, type WebSession } from '../domain/access/index.js';
import type { Actor } from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_HEADER = 'x-csrf-token';

// One session cache per server; HttpContext is built by the composition root, which need not know about it.
const sessionCaches = new WeakMap<HttpContext, SessionAuthenticator>();

export function sessionsOf(ctx: HttpContext): SessionAuthenticator {
  let sessions = sessionCaches.get(ctx);
  if (!sessions) sessionCaches.set(ctx, (sessions = new SessionAuthenticator(ctx.db)));
  return sessions;
}

function bearerOf(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null;
}

/** The session cookie's value; @fastify/cookie parses it, with a fallback for servers built without it. */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  const parsed = (request as { cookies?: Record<string, string | undefined> }).cookies;
  if (parsed) return parsed[SESSION_COOKIE] || undefined;
  const match = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(request.headers.cookie ?? '');
  return match?.[1];
}

/** The live session behind the request's cookie, or null. */
export async function sessionOf(ctx: HttpContext, request: FastifyRequest): Promise<WebSession | null> {
  const secret = sessionCookieOf(request);
  return secret ? sessionsOf(ctx).authenticate(secret, ctx.clock.now()) : null;
}

/**
 * Who is calling, without any CSRF check: the bearer token, else `queryToken`, else the session
 * cookie. Only for GET-like callers (websocket upgrades); routes use requireRole.
 */
export async function principalFromRequest(ctx: HttpContext, request: FastifyRequest, options?: { queryToken?: string }): Promise<Principal | null> {
  const token = bearerOf(request) ?? options?.queryToken;
  if (token) return ctx.tokens.authenticate(token, ctx.clock.now().getTime());
  const session = await sessionOf(ctx, request);
  return session ? sessionPrincipal(session) : null;
}

/** Compares digests, so neither the length nor the content of the expected token leaks through timing. */
export function csrfMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string' || !given) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * Authenticates the request and returns its principal, or throws 401/403. A bearer token wins over
 * a cookie. Cookie requests that change something must echo the session's CSRF token in
 * X-CSRF-Token: a browser attaches the cookie to cross-site requests, but not that header.
 */
export async function authenticateRequest(ctx: HttpContext, request: FastifyRequest): Promise<Principal> {
  const token = bearerOf(request);
  if (token === null) throw new UnauthorizedError('send an API token as "Authorization: Bearer <token>"');
  if (token) {
    const principal = await ctx.tokens.authenticate(token, ctx.clock.now().getTime());
    if (!principal) throw new UnauthorizedError('the API token is unknown or revoked');
    return principal;
  }
  if (!sessionCookieOf(request)) throw new UnauthorizedError('sign in, or send an API token as "Authorization: Bearer <token>"');
  const session = await sessionOf(ctx, request);
  if (!session) throw new UnauthorizedError('the session has ended or expired; sign in again');
  if (UNSAFE_METHODS.has(request.method) && !csrfMatches(session.csrfToken, request.headers[CSRF_HEADER])) {
    throw new ForbiddenError('csrf token missing or wrong');
  }
  return sessionPrincipal(session);
}

/** A preHandler that demands a bearer token or a session whose role is at least `role`. */
export function requireRole(ctx: HttpContext, role: Role) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await authenticateRequest(ctx, request);
    if (!roleAllows(principal.role, role)) {
      const who = principal.kind === 'session' ? `user "${principal.name}"` : `the token "${principal.name}"`;
      throw new ForbiddenError(`this needs the ${role} role; ${who} has ${principal.role}`);
    }
    request.principal = principal;
  };
}

export function actorOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  if (!principal) return { type: 'system', id: 'anonymous', ip: request.ip };
  return principal.userId
    ? { type: 'user', id: principal.userId, ip: request.ip }
    : { type: 'token', id: principal.name, ip: request.ip };
}
