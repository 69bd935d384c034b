import type { MessageDoc } from '../contracts/index.js';

export type { MessageDoc };

/**
 * Capability interfaces every provider implements. The notification pipeline and the war room
 * speak only these; a provider declares which it really has. Sends return `{ externalId }` or throw
 * RetryableError (429, 5xx, timeouts; with retryAfterMs when the remote says) or PermanentError
 * (other 4xx, unknown recipient) from kernel/errors.ts, never a bare error, and never with a
 * secret in the message.
 */

/** Every way warroom can reach a person. */
export const CHANNEL_KINDS = ['email', 'sms', 'voice', 'webhook', 'feishu', 'slack', 'dingtalk', 'wecom', 'web'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Who receives a message, with every address warroom knows for them. */
export interface Recipient {
  userId: string;
  name: string;
  email: string | null;
  phone: string | null;
  webhookUrl: string | null;
  timezone: string;
  chatIds: Record<string, string>;
}

export interface SendOptions {
  /** Stable per logical send; providers pass it on where the platform dedups (Feishu uuid…). */
  idempotencyKey: string;
}

export interface SendResult {
  externalId: string;
}

/** Sends one message to one person on one channel. */
export interface ChannelSender {
  readonly channel: ChannelKind;
  send(to: Recipient, doc: MessageDoc, options: SendOptions): Promise<SendResult>;
}

export interface ProviderInfo {
  id: string;
  displayName: string;
  channels: ChannelKind[];
}

/** What a provider factory returns: its info plus the capabilities it really implements. */
export interface NotificationProvider {
  info(): ProviderInfo;
  senders: ChannelSender[];
  close?(): Promise<void>;
}

/** A verified inbound reply (SMS "1a", a chat button…), already mapped to warroom's terms. */
export interface InboundReply {
  channel: ChannelKind;
  /** The sender's address on that channel (phone number, chat user id). */
  from: string;
  text: string;
}
