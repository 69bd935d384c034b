import type { ChannelsConfig } from '../contracts/index.js';
import type { NotificationProvider } from '../providers/api.js';
import { createBuiltinProvider, type BuiltinDeps } from '../providers/builtin/index.js';
import { createDingtalkProvider, type DingtalkConfigInput } from '../providers/dingtalk/index.js';
import { createEmailProvider } from '../providers/email/index.js';
import { createFeishuBotProvider, type FeishuBotConfigInput } from '../providers/feishu-bot/index.js';
import { createFeishuProvider, type FeishuConfigInput } from '../providers/feishu/index.js';
import { createSlackProvider, type SlackConfigInput } from '../providers/slack/index.js';
import { createSmsVoiceProvider } from '../providers/sms-voice/index.js';
import { createWebhookProvider } from '../providers/webhook/index.js';
import { createWecomProvider, type WecomConfigInput } from '../providers/wecom/index.js';

/** The providers warroom.yaml enables, plus the built-in inbox that always exists. */
export function providersFromConfig(
  channels: ChannelsConfig,
  publicUrl: string,
  builtin: BuiltinDeps,
): NotificationProvider[] {
  const providers: NotificationProvider[] = [createBuiltinProvider(builtin)];
  if (channels.email) providers.push(createEmailProvider(channels.email));
  if (channels.twilio) {
    const voiceAction = channels.twilio.voice_action_url ?? `${publicUrl.replace(/\/$/, '')}/api/v1/inbound/twilio/voice`;
    providers.push(createSmsVoiceProvider({ ...channels.twilio, voice_action_url: voiceAction }));
  }
  if (channels.webhook) providers.push(createWebhookProvider(channels.webhook));
  // Chat sections were checked against each provider's schema when the config loaded.
  if (channels.feishu) providers.push(createFeishuProvider(channels.feishu as FeishuConfigInput));
  if (channels.feishu_bot) providers.push(createFeishuBotProvider(channels.feishu_bot as FeishuBotConfigInput));
  if (channels.slack) providers.push(createSlackProvider(channels.slack as SlackConfigInput));
  if (channels.dingtalk) providers.push(createDingtalkProvider(channels.dingtalk as DingtalkConfigInput));
  if (channels.wecom) providers.push(createWecomProvider(channels.wecom as WecomConfigInput));
  return providers;
}
