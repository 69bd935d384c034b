import type { FastifyInstance } from 'fastify';
import { withTx } from '../db/database.js';
import { UnauthorizedError } from '../kernel/index.js';
import { acknowledgeByVoice, findUserByPhone, handleReplyCommand } from '../domain/notify/index.js';
import { parseInboundGather, parseInboundSms, verifyTwilioSignature } from '../providers/sms-voice/inbound.js';
import type { HttpContext } from './app-context.js';

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const twiml = (message: string) => `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(message)}</Message></Response>`;
const spoken = (message: string) => `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${escapeXml(message)}</Say></Response>`;

/** Replies to SMS pages ("1a" acknowledges), verified with Twilio's request signature. */
export async function inboundRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const verified = (request: { protocol: string; host: string; url: string; body: unknown; headers: Record<string, unknown> }): Record<string, string> => {
    const authToken = ctx.inbound.twilioAuthToken!;
    const params = (request.body ?? {}) as Record<string, string>;
    // Twilio signs the exact URL it called; behind a proxy, X-Forwarded-Proto/Host rebuild it (trustProxy).
    const url = `${request.protocol}://${request.host}${request.url}`;
    const signature = request.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || !verifyTwilioSignature(url, params, signature, authToken)) {
      throw new UnauthorizedError('the Twilio signature does not match this request');
    }
    return params;
  };

  app.post('/api/v1/inbound/twilio/voice', {
    schema: { tags: ['ingest'], summary: 'Twilio <Gather> callback of a voice page: pressing 1 acknowledges the incident' },
  }, async (request, reply) => {
    if (!ctx.inbound.twilioAuthToken) return reply.status(404).send({ error: 'not_found', message: 'voice is not configured' });
    const params = verified(request);
    const gather = parseInboundGather(params);
    const ref = String((request.query as { incident?: string }).incident ?? '');
    const userId = await findUserByPhone(ctx.db, gather.from);
    const answer = userId
      ? await withTx(ctx.db, (tx) => acknowledgeByVoice(tx, userId, ref, gather.text, { now: ctx.clock.now(), autoCloseAfterMs: ctx.settings().autoCloseAfterMs }))
      : 'This phone is not registered with warroom.';
    return reply.header('content-type', 'text/xml').send(spoken(answer));
  });

  app.post('/api/v1/inbound/twilio/sms', {
    schema: { tags: ['ingest'], summary: 'Twilio inbound SMS webhook: reply "1a" to acknowledge, "1r" to resolve', description: 'Verified with X-Twilio-Signature over the public URL and the form parameters.' },
  }, async (request, reply) => {
    if (!ctx.inbound.twilioAuthToken) return reply.status(404).send({ error: 'not_found', message: 'SMS is not configured' });
    const params = verified(request);
    const sms = parseInboundSms(params);
    const userId = await findUserByPhone(ctx.db, sms.from);
    const answer = userId
      ? await withTx(ctx.db, (tx) => handleReplyCommand(tx, userId, sms.text, { now: ctx.clock.now(), autoCloseAfterMs: ctx.settings().autoCloseAfterMs }))
      : 'This number is not registered with warroom.';
    return reply.header('content-type', 'text/xml').send(twiml(answer));
  });
}
