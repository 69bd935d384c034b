import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx, type Db } from '../db/database.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../kernel/index.js';
import { roleSchema, type Role } from '../contracts/index.js';
import {
  MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, clearLoginFailures, createPersonalToken, deleteUserSessions, hashPassword, listPersonalTokens,
  loginRetryAfter, loginUserKey, personalTokenRole, recordLoginFailure, revokePersonalToken, roleAllows, setPasswordHash, verifyPassword,
  writeAudit, type Principal,
} from '../domain/access/index.js';
import type { HttpContext } from './app-context.js';
import { actorLabel } from '../domain/incidents/index.js';
import { actorOf, requireRole, sessionsOf } from './auth.js';

const security: { [scheme: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
const newPassword = z.string().min(MIN_PASSWORD_LENGTH, `a password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(MAX_PASSWORD_LENGTH);
const CONFIG_MANAGED = 'this password is set in warroom.yaml (users[].password_hash); change it there, or remove it there to manage it here';

/** The user behind the caller's credential; a token that belongs to nobody has no account. */
function ownUserId(principal: Principal): string {
  if (!principal.userId) throw new ForbiddenError(`the token "${principal.name}" belongs to no user`);
  return principal.userId;
}

async function passwordOwner(db: Db, userId: string) {
  const user = await db.selectFrom('users').select(['id', 'role', 'password_hash', 'password_set_by']).where('id', '=', userId).executeTakeFirst();
  if (!user) throw new NotFoundError(`no user ${userId}`);
  if (user.password_set_by === 'config') throw new ConflictError(CONFIG_MANAGED);
  return user;
}

/**
 * Stores a new password and ends the user's other sessions; the caller's own session (when it is
 * this user's) lives on, so changing your password does not sign you out.
 */
async function replacePassword(ctx: HttpContext, request: FastifyRequest, userId: string, password: string, action: string): Promise<void> {
  const principal = request.principal!;
  const keep = principal.kind === 'session' && principal.userId === userId ? principal.sessionId : undefined;
  const passwordHash = await hashPassword(password);
  const now = ctx.clock.now();
  await withTx(ctx.db, async (tx) => {
    await setPasswordHash(tx, userId, passwordHash, 'api', now);
    const ended = await deleteUserSessions(tx, userId, keep);
    await clearLoginFailures(tx, loginUserKey(userId, userId));
    await writeAudit(tx, { at: now, actor: actorLabel(actorOf(request)), action, targetType: 'user', targetId: userId, ip: request.ip, data: { sessions_ended: ended } });
  });
  sessionsOf(ctx).forgetUser(userId);
}

/** Passwords and personal API tokens: what the web console's settings page needs. */
export async function accountRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const admin = requireRole(ctx, 'admin');

  app.post('/api/v1/me/password', {
    preHandler: viewer,
    schema: {
      tags: ['access'],
      summary: 'Change your own password (signed in, not with a token); your other sessions end',
      description: '`current` may be empty while you have no password yet. Wrong guesses count toward the sign-in throttle.',
      security,
      body: z.object({ current: z.string().max(MAX_PASSWORD_LENGTH), new: newPassword }),
    },
  }, async (request, reply) => {
    // A token (perhaps a viewer token of an admin) must not be able to set its owner's password.
    if (request.principal!.kind !== 'session') throw new ForbiddenError('sign in to change your password; API tokens cannot');
    const userId = ownUserId(request.principal!);
    const user = await passwordOwner(ctx.db, userId);
    const now = ctx.clock.now();
    const attempt = { userKey: loginUserKey(userId, userId), ip: request.ip };
    const waitMs = await loginRetryAfter(ctx.db, attempt, now);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      return reply.status(429).header('retry-after', String(seconds)).send({ error: 'too_many_requests', message: `too many wrong passwords; try again in ${seconds} seconds` });
    }
    if (user.password_hash && !(await verifyPassword(user.password_hash, request.body.current))) {
      await recordLoginFailure(ctx.db, attempt, now);
      throw new ForbiddenError('the current password is wrong');
    }
    await replacePassword(ctx, request, userId, request.body.new, 'user.password_change');
    return reply.status(204).send();
  });

  app.put('/api/v1/users/:id/password', {
    preHandler: admin,
    schema: { tags: ['access'], summary: "Set a user's password (admins); the user's sessions end", security, params: z.object({ id: z.string().min(1) }), body: z.object({ password: newPassword }) },
  }, async (request, reply) => {
    await passwordOwner(ctx.db, request.params.id);
    await replacePassword(ctx, request, request.params.id, request.body.password, 'user.password_set');
    return reply.status(204).send();
  });

  app.get('/api/v1/me/tokens', { preHandler: viewer, schema: { tags: ['access'], summary: 'Your active API tokens (never their secrets)', security } }, async (request) => {
    const rows = await listPersonalTokens(ctx.db, ownUserId(request.principal!));
    return { items: rows.map((t) => ({ ...t, created_at: t.created_at.toISOString(), last_used_at: t.last_used_at?.toISOString() ?? null })) };
  });

  app.post('/api/v1/me/tokens', {
    preHandler: viewer,
    schema: {
      tags: ['access'],
      summary: 'Create a personal API token; its secret is shown once',
      description: 'The role defaults to your own and may not exceed it (nor the role of the credential making the request).',
      security,
      body: z.object({ name: z.string().min(1).max(100), role: roleSchema.optional() }),
    },
  }, async (request, reply) => {
    const principal = request.principal!;
    const userId = ownUserId(principal);
    const owner = await ctx.db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
    if (!owner) throw new NotFoundError(`no user ${userId}`);
    // A viewer token of an admin must not mint an admin token: the cap is the lower of both roles.
    const cap: Role = roleAllows(principal.role, owner.role) ? owner.role : principal.role;
    const role = personalTokenRole(request.body.role, cap);
    if (!role) throw new ForbiddenError(`a personal token may have at most the ${cap} role`);
    const now = ctx.clock.now();
    const created = await withTx(ctx.db, async (tx) => {
      const token = await createPersonalToken(tx, { userId, name: request.body.name, role });
      await writeAudit(tx, { at: now, actor: `user:${userId}`, action: 'token.create', targetType: 'api_token', targetId: token.id, ip: request.ip, data: { name: request.body.name, role, personal: true } });
      return token;
    });
    return reply.status(201).send({ id: created.id, name: request.body.name, role, token: created.token });
  });

  app.delete('/api/v1/me/tokens/:id', {
    preHandler: viewer,
    schema: { tags: ['access'], summary: 'Revoke one of your own API tokens', security, params: z.object({ id: z.uuid() }) },
  }, async (request, reply) => {
    const userId = ownUserId(request.principal!);
    const now = ctx.clock.now();
    await withTx(ctx.db, async (tx) => {
      if (!(await revokePersonalToken(tx, userId, request.params.id, now))) throw new NotFoundError('you have no active API-made token with this id');
      await writeAudit(tx, { at: now, actor: `user:${userId}`, action: 'token.revoke', targetType: 'api_token', targetId: request.params.id, ip: request.ip, data: { personal: true } });
    });
    ctx.tokens.invalidate();
    return reply.status(204).send();
  });
}
