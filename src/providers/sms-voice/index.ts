import { PermanentError, systemClock, type Clock } from '../../kernel/index.js';
import type { ChannelSender, NotificationProvider, Recipient } from '../api.js';
import { E164, smsVoiceConfigSchema, type SmsVoiceConfig, type SmsVoiceConfigInput } from './config.js';
import { renderSms, renderVoiceTwiml } from './render.js';
import { createTwilioClient, type TwilioClient } from './twilio-client.js';

export { smsVoiceConfigSchema, type SmsVoiceConfig, type SmsVoiceConfigInput } from './config.js';
export { renderSms, renderVoiceTwiml, SMS_MAX_CHARS } from './render.js';
export { IDEMPOTENCY_HEADER } from './twilio-client.js';
export { computeTwilioSignature, parseInboundGather, parseInboundSms, verifyTwilioSignature } from './inbound.js';

export interface SmsVoiceProviderDeps {
  clock?: Clock;
}

/**
 * SMS and voice pages through Twilio's REST API (Messages.json, Calls.json).
 * externalId is Twilio's sid (SM…/CA…), which status callbacks and inbound replies refer to.
 */
export function createSmsVoiceProvider(config: SmsVoiceConfigInput, deps: SmsVoiceProviderDeps = {}): NotificationProvider {
  const settings = smsVoiceConfigSchema.parse(config);
  const client = createTwilioClient(settings, deps.clock ?? systemClock);
  return {
    info: () => ({ id: 'twilio', displayName: 'Twilio SMS and voice', channels: ['sms', 'voice'] }),
    senders: [smsSender(settings, client), voiceSender(settings, client)],
  };
}

function smsSender(settings: SmsVoiceConfig, client: TwilioClient): ChannelSender {
  return {
    channel: 'sms',
    async send(to, doc, options) {
      const params: Record<string, string> = { To: phoneOf(to), From: settings.from, Body: renderSms(doc) };
      if (settings.status_callback_url) params.StatusCallback = settings.status_callback_url;
      return { externalId: await client.create('Messages', params, options.idempotencyKey) };
    },
  };
}

function voiceSender(settings: SmsVoiceConfig, client: TwilioClient): ChannelSender {
  return {
    channel: 'voice',
    async send(to, doc, options) {
      const twiml = renderVoiceTwiml(doc, settings.voice_action_url ? { actionUrl: settings.voice_action_url } : {});
      const params: Record<string, string> = { To: phoneOf(to), From: settings.from, Twiml: twiml };
      if (settings.status_callback_url) params.StatusCallback = settings.status_callback_url;
      return { externalId: await client.create('Calls', params, options.idempotencyKey) };
    },
  };
}

// Checked here so a typo in someone's profile is a clear PermanentError rather than a Twilio 21211 round trip.
function phoneOf(to: Recipient): string {
  const phone = to.phone?.replace(/[\s()-]/g, '');
  if (!phone) throw new PermanentError(`recipient ${to.userId} has no phone number`);
  if (!E164.test(phone)) throw new PermanentError(`recipient ${to.userId} has a phone number that is not E.164 (+countrycode…)`);
  return phone;
}
