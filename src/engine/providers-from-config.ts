import type { ChannelsConfig } from '../contracts/index.js';
import type { MessageDoc, NotificationProvider } from '../providers/api.js';
import { createBuiltinProvider } from '../providers/builtin/index.js';
import { createEmailProvider } from '../providers/email/index.js';
import { createSmsVoiceProvider } from '../providers/sms-voice/index.js';
import { createWebhookProvider } from '../providers/webhook/index.js';

/** The providers warroom.yaml enables, plus the built-in inbox that always exists. */
export function providersFromConfig(
  channels: ChannelsConfig,
  publicUrl: string,
  deliverToInbox: (userId: string, doc: MessageDoc, idempotencyKey: string) => Promise<string>,
): NotificationProvider[] {
  const providers: NotificationProvider[] = [createBuiltinProvider({ deliver: deliverToInbox })];
  if (channels.email) providers.push(createEmailProvider(channels.email));
  if (channels.twilio) {
    const voiceAction = channels.twilio.voice_action_url ?? `${publicUrl.replace(/\/$/, '')}/api/v1/inbound/twilio/voice`;
    providers.push(createSmsVoiceProvider({ ...channels.twilio, voice_action_url: voiceAction }));
  }
  if (channels.webhook) providers.push(createWebhookProvider(channels.webhook));
  return providers;
}
