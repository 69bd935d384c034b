import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../../kernel/index.js';
import type { InboundTextReply } from '../api.js';

/**
 * Twilio's request signature (X-Twilio-Signature): base64 HMAC-SHA1, keyed with the auth token,
 * over the full URL Twilio called followed by every POST parameter name+value, sorted by name.
 * Pass the URL exactly as configured in Twilio (behind a proxy, rebuild the public one).
 */
export function computeTwilioSignature(fullUrl: string, formParams: Record<string, string>, authToken: string): string {
  const data = Object.keys(formParams)
    .sort()
    .reduce((acc, name) => acc + name + formParams[name], fullUrl);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(
  fullUrl: string,
  formParams: Record<string, string>,
  signatureHeader: string | undefined,
  authToken: string,
): boolean {
  if (!signatureHeader || !authToken) return false;
  const given = Buffer.from(signatureHeader, 'utf8');
  // Twilio's own helpers accept the URL with or without the default port, as Twilio may sign either.
  let ok = false;
  for (const url of portVariants(fullUrl)) {
    const expected = Buffer.from(computeTwilioSignature(url, formParams, authToken), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** An inbound SMS webhook ("1a", "ack 12"…) as warroom's InboundTextReply. Verify the signature first. */
export function parseInboundSms(params: Record<string, string>): InboundTextReply {
  const from = params.From?.trim();
  if (!from) throw new ValidationError('twilio inbound SMS has no From', { field: 'From' });
  return { channel: 'sms', from, text: (params.Body ?? '').trim() };
}

/**
 * The digit pressed in a page call's <Gather>. On a call warroom placed, Twilio's From is our own
 * number and To is the person, so the person is To.
 */
export function parseInboundGather(params: Record<string, string>): InboundTextReply {
  const outbound = params.Direction?.startsWith('outbound') ?? false;
  const from = (outbound ? params.To : params.From)?.trim();
  if (!from) throw new ValidationError('twilio gather callback has no caller', { field: outbound ? 'To' : 'From' });
  return { channel: 'voice', from, text: (params.Digits ?? '').trim() };
}

function portVariants(fullUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(fullUrl);
  } catch {
    return [fullUrl];
  }
  const defaultPort = url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '';
  // URL drops a default port, so a non-empty port here is a real, non-default one: sign as given.
  if (!defaultPort || url.port !== '') return [fullUrl];
  const userinfo = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const origin = `${url.protocol}//${userinfo}${url.hostname}`;
  const rest = `${url.pathname}${url.search}`;
  return [...new Set([fullUrl, `${origin}:${defaultPort}${rest}`, `${origin}${rest}`])];
}
