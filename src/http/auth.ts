import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../kernel/index.js';
import type { Role } from '../contracts/index.js';
import { roleAllows, type Principal } from '../domain/access/index.js';
import type { Actor } from '../domain/incidents/index.js';
import type { HttpContext } from './app-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A preHandler that demands a bearer token whose role is at least `role`. */
export function requireRole(ctx: HttpContext, role: Role) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedError('send an API token as "Authorization: Bearer <token>"');
    const principal = await ctx.tokens.authenticate(match[1]!, ctx.clock.now().getTime());
    if (!principal) throw new UnauthorizedError('the API token is unknown or revoked');
    if (!roleAllows(principal.role, role)) throw new ForbiddenError(`this needs the ${role} role; the token "${principal.name}" has ${principal.role}`);
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
