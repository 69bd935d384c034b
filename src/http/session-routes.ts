import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { ForbiddenError, UnauthorizedError } from '../kernel/index.js';
import { roleSchema } from '../contracts/index.js';
import {
  DEMO_PASSWORD, MAX_PASSWORD_LENGTH, SESSION_COOKIE, clearLoginFailures, createWebSession, deleteWebSession, findUserByLogin,
  loginRetryAfter, loginUserKey, purgeExpiredSessions, recordLoginFailure, sessionDeadline, usersWithDemoPassword, verifyPassword,
  writeAudit, type SessionUser,
} from '../domain/access/index.js';
import type { HttpContext } from './app-context.js';
import { CSRF_HEADER, csrfMatches, sessionOf, sessionsOf } from './auth.js';

/** One message for an unknown user, a user without a password and a wrong password alike. */
export const LOGIN_FAILED = 'wrong user or password';

export const sessionUserSchema = z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), role: roleSchema, timezone: z.string() });
const sessionReply = z.object({ user: sessionUserSchema, csrf_token: z.string(), expires_at: z.string() });
const errorReply = z.object({ error: z.string(), message: z.string() });
const loginBody = z.object({
  user: z.string().min(1).max(320).describe('user id or email, case-insensitive'),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

const sessionBody = (user: SessionUser, csrfToken: string, expiresAt: Date) => ({
  user: { id: user.id, name: user.name, email: user.email, role: user.role, timezone: user.timezone },
  csrf_token: csrfToken,
  expires_at: expiresAt.toISOString(),
});

/** Secure when the client reached us over https (trustProxy honours X-Forwarded-Proto), or when told to. */
function cookieOptions(request: FastifyRequest) {
  const secure = request.protocol === 'https' || process.env.WARROOM_SECURE_COOKIES === '1';
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure };
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

/** Sign-in, the current session and sign-out for the web console. */
export async function sessionRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();

  // Like the demo integration key and token: the demo password is public, so say so at every start.
  base.addHook('onReady', async () => {
    try {
      for (const id of await usersWithDemoPassword(ctx.db)) {
        ctx.logger.warn(`DEMO SECRET IN USE: user "${id}" has the public demo password "${DEMO_PASSWORD}"; replace it before real use`);
      }
    } catch (error) {
      ctx.logger.warn({ reason: (error as Error).message }, 'could not check for demo passwords');
    }
  });

  app.post('/api/v1/session', {
    schema: {
      tags: ['access'],
      summary: 'Sign in with a user (id or email) and password; sets the warroom_session cookie',
      description: 'Cookie requests that change something must send the returned csrf_token as X-CSRF-Token. '
        + 'After 5 failures for one user (or 20 from one address) in 15 minutes this answers 429 with Retry-After.',
      body: loginBody,
      response: { 200: sessionReply, 401: errorReply, 429: errorReply },
    },
  }, async (request, reply) => {
    const now = ctx.clock.now();
    const user = await findUserByLogin(ctx.db, request.body.user);
    const attempt = { userKey: loginUserKey(user?.id ?? null, request.body.user), ip: request.ip };
    const waitMs = await loginRetryAfter(ctx.db, attempt, now);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      return reply.status(429).header('retry-after', String(seconds)).send({ error: 'too_many_requests', message: `too many failed sign-ins; try again in ${seconds} seconds` });
    }
    // Always one verify, so an unknown user answers as slowly as a wrong password.
    const passwordOk = await verifyPassword(user?.password_hash ?? null, request.body.password);
    if (!user || !passwordOk) {
      await withTx(ctx.db, async (tx) => {
        await recordLoginFailure(tx, attempt, now);
        await writeAudit(tx, {
          at: now, actor: 'anonymous', action: 'session.login_failed', targetType: 'user', targetId: user?.id ?? null, ip: request.ip,
          // Not what was typed: people sometimes type their password into the user field.
          data: { reason: !user ? 'unknown user' : user.password_hash ? 'wrong password' : 'no password set' },
        });
      });
      throw new UnauthorizedError(LOGIN_FAILED);
    }

    const userAgent = request.headers['user-agent'] ?? null;
    const session = await withTx(ctx.db, async (tx) => {
      await clearLoginFailures(tx, attempt.userKey);
      const created = await createWebSession(tx, { userId: user.id, now, ip: request.ip, userAgent });
      await writeAudit(tx, { at: now, actor: `user:${user.id}`, action: 'session.login', targetType: 'user', targetId: user.id, ip: request.ip, data: { user_agent: userAgent?.slice(0, 200) ?? null } });
      return created;
    });
    // A sign-in replaces the browser's previous session rather than leaving it alive.
    const previous = await sessionOf(ctx, request);
    if (previous) {
      await deleteWebSession(ctx.db, previous.id);
      sessionsOf(ctx).forget(previous.id);
    }
    await purgeExpiredSessions(ctx.db, now);

    reply.setCookie(SESSION_COOKIE, session.secret, { ...cookieOptions(request), maxAge: Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000) });
    return sessionBody(user, session.csrfToken, sessionDeadline({ lastSeenAt: now, expiresAt: session.expiresAt }));
  });

  app.get('/api/v1/session', {
    schema: { tags: ['access'], summary: 'The signed-in user and the CSRF token of this session cookie', security: [{ session: [] }], response: { 200: sessionReply, 401: errorReply } },
  }, async (request) => {
    const session = await sessionOf(ctx, request);
    if (!session) throw new UnauthorizedError('not signed in');
    return sessionBody(session.user, session.csrfToken, sessionDeadline(session));
  });

  app.delete('/api/v1/session', {
    schema: { tags: ['access'], summary: 'Sign out: ends this session and clears its cookie (needs X-CSRF-Token)', security: [{ session: [] }] },
  }, async (request, reply) => {
    const session = await sessionOf(ctx, request);
    if (session) {
      if (!csrfMatches(session.csrfToken, request.headers[CSRF_HEADER])) throw new ForbiddenError('csrf token missing or wrong');
      const now = ctx.clock.now();
      await withTx(ctx.db, async (tx) => {
        await deleteWebSession(tx, session.id);
        await writeAudit(tx, { at: now, actor: `user:${session.user.id}`, action: 'session.logout', targetType: 'user', targetId: session.user.id, ip: request.ip });
      });
      sessionsOf(ctx).forget(session.id);
    }
    // Signing out of an ended session still clears the browser's cookie.
    clearSessionCookie(request, reply);
    return reply.status(204).send();
  });
}
