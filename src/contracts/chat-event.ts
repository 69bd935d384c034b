import type { MessageAction } from './message-doc.js';

/** Chat platforms: the channels that have chats, cards and callbacks. */
/** 'web' is warroom's own built-in room: the same flow with no chat platform at all. */
export const CHAT_PLATFORM_KINDS = ['feishu', 'slack', 'dingtalk', 'wecom', 'web'] as const;
export type ChatPlatform = (typeof CHAT_PLATFORM_KINDS)[number];

/** A sent message, enough to edit or buzz it later. */
export interface MessageRef {
  platform: ChatPlatform;
  chatId: string;
  messageId: string;
}

export const encodeMessageRef = (ref: MessageRef): string => `${ref.platform}:${ref.chatId}:${ref.messageId}`;
export function decodeMessageRef(value: string): MessageRef | null {
  const [platform, chatId, ...rest] = value.split(':');
  const messageId = rest.join(':');
  if (!platform || !chatId || !messageId || !(CHAT_PLATFORM_KINDS as readonly string[]).includes(platform)) return null;
  return { platform: platform as ChatPlatform, chatId, messageId };
}

/** Someone on a chat platform, with every id the platform gave for them (open_id, user_id…). */
export interface ChatActor {
  ids: string[];
  name?: string;
}

/** An inbound chat event, verified and parsed into warroom's terms. */
export type ChatEvent =
  | {
      type: 'message';
      platform: ChatPlatform;
      /** The platform's event id; redeliveries carry the same one. */
      eventId: string;
      chatId: string;
      chatType: 'group' | 'direct';
      messageId: string;
      sender: ChatActor;
      /** Plain text with mention placeholders removed. */
      text: string;
      mentions: ChatActor[];
      mentionsBot: boolean;
      at: Date;
    }
  | {
      type: 'action';
      platform: ChatPlatform;
      eventId: string;
      /** A card button: which action, on which incident. */
      action: MessageAction['id'];
      incidentRef: string;
      sender: ChatActor;
      message?: MessageRef;
      at: Date;
    };

/** What warroom did with an event, for the platform's immediate answer (a toast, an ephemeral reply). */
export interface ChatOutcome {
  ok: boolean;
  text: string;
}

