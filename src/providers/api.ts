import type { ChatEvent, ChatOutcome, ChatPlatform, Mention, MessageAction, MessageDoc, MessageRef } from '../contracts/index.js';

export type { ChatActor, ChatEvent, ChatOutcome, ChatPlatform, Mention, MessageAction, MessageDoc, MessageRef } from '../contracts/index.js';
export { CHAT_PLATFORM_KINDS, decodeMessageRef, encodeMessageRef } from '../contracts/index.js';

/**
 * Capability interfaces every provider implements. The notification pipeline and the war room
 * speak only these; a provider declares which it really has. Calls return a result or throw
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
  /** For chat platforms: a MessageRef encoded with encodeMessageRef, so the card can be edited later. */
  externalId: string;
}

/** Sends one message to one person on one channel. */
export interface ChannelSender {
  readonly channel: ChannelKind;
  send(to: Recipient, doc: MessageDoc, options: SendOptions): Promise<SendResult>;
}

// ---------------------------------------------------------------------------------------------
// Chat capabilities

/** Where a chat message goes: a group chat / channel / robot, or a person directly. */
export interface ChatTarget {
  kind: 'chat' | 'user';
  /** Platform id: Feishu chat_id or open_id, Slack channel or user id, a robot name for webhook-only bots. */
  id: string;
}

/** Posts a MessageDoc into a chat or to a person; mentions come from doc.mentions. */
export interface ChatMessenger {
  post(target: ChatTarget, doc: MessageDoc, options: SendOptions): Promise<MessageRef>;
}

/** Edits a message in place (a live incident card). Updating twice with the same doc is harmless. */
export interface MessageUpdater {
  update(ref: MessageRef, doc: MessageDoc): Promise<void>;
  /** Pins the message in its chat where the platform allows (the live card on top). Pinning twice is harmless. */
  pin?(ref: MessageRef): Promise<void>;
}

export type UrgentLevel = 'app' | 'sms' | 'phone';

/** Buzzes people about a message the bot sent (Feishu 加急). Returns the ids the platform refused. */
export interface UrgentCaller {
  urgent(ref: MessageRef, platformUserIds: string[], level: UrgentLevel): Promise<{ invalidUserIds: string[] }>;
}

export interface RoomSpec {
  name: string;
  description?: string;
  /** Platform user id of the owner; the bot owns the room when absent. */
  ownerId?: string;
  memberIds: string[];
  /** Stable per room, so a retried create makes no second chat where the platform dedups. */
  idempotencyKey: string;
}

/** Creates and manages group chats. Member calls on one chat must not run concurrently. */
export interface RoomManager {
  createRoom(spec: RoomSpec): Promise<{ chatId: string; invalidMemberIds: string[] }>;
  addMembers(chatId: string, memberIds: string[]): Promise<{ invalidMemberIds: string[] }>;
  removeMembers(chatId: string, memberIds: string[]): Promise<void>;
  renameRoom(chatId: string, name: string, description?: string): Promise<void>;
  /** disband deletes the chat; archive keeps its history and only stops the bot using it. */
  closeRoom(chatId: string, mode: 'disband' | 'archive'): Promise<void>;
}

/** Maps a person to their platform id. Returns null when the platform does not know them. */
export interface DirectoryLookup {
  lookupUser(query: { email?: string | null; mobile?: string | null }): Promise<string | null>;
}

/** A raw inbound HTTP request, before anything is trusted. */
export interface InboundRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  rawBody: Buffer;
  now: Date;
}

/** What to answer the platform with. */
export interface InboundReply {
  status: number;
  body: unknown;
  contentType?: string;
}

export type InboundResult =
  /** URL verification and similar handshakes: answer as given, nothing else happens. */
  | { kind: 'handshake'; reply: InboundReply }
  /** A verified event; `reply` turns warroom's outcome into the platform's answer. */
  | { kind: 'event'; event: ChatEvent; reply(outcome: ChatOutcome): InboundReply }
  /** Verified, but nothing warroom acts on (a bot's own message, an unknown event type). */
  | { kind: 'ignored'; reason: string; reply: InboundReply };

/**
 * Verifies and parses inbound callbacks. Throws UnauthorizedError (kernel) for a forged, stale or
 * replayed request, ValidationError for a malformed one; never acts on anything itself.
 */
export interface InboundVerifier {
  handle(request: InboundRequest): InboundResult | Promise<InboundResult>;
}

/** Receives events over a long connection the provider opens (Feishu WSClient, DingTalk stream). */
export interface LongConnection {
  start(onEvent: (event: ChatEvent) => Promise<ChatOutcome>): Promise<void>;
  stop(): Promise<void>;
}

/** Destination rate limits as the platform documents them: one message per `intervalMs` per key. */
export interface RateRule {
  key: string;
  intervalMs: number;
}

/** What a chat platform provider really has. Webhook-only robots have a messenger and nothing else. */
export interface ChatCapabilities {
  platform: ChatPlatform;
  messenger?: ChatMessenger;
  updater?: MessageUpdater;
  urgent?: UrgentCaller;
  rooms?: RoomManager;
  directory?: DirectoryLookup;
  inbound?: InboundVerifier;
  longConnection?: LongConnection;
  /** The rate rule for sending to a target, so callers space sends durably across processes. */
  rateRule(target: ChatTarget): RateRule;
  /** The rule a page to this person counts against (a robot's group for robot-only platforms). */
  pageRateRule?(to: Recipient): RateRule | null;
  /** Inbound commands are answered in the chat by the inbound path itself: no reply is queued. */
  repliesInline?: boolean;
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
  chat?: ChatCapabilities;
  close?(): Promise<void>;
}

/** A verified inbound reply (SMS "1a", a voice keypress), already mapped to warroom's terms. */
export interface InboundTextReply {
  channel: ChannelKind;
  /** The sender's address on that channel (phone number, chat user id). */
  from: string;
  text: string;
}
