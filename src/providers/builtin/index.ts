import type { ChannelSender, ChatCapabilities, MessageDoc, NotificationProvider, Recipient, SendOptions } from '../api.js';

/**
 * warroom's own inbox and room: always available, so the whole flow works with no chat platform at
 * all. It stores rather than sends; the composition root gives the functions that write the rows.
 */
export interface BuiltinDeps {
  deliver(userId: string, doc: MessageDoc, idempotencyKey: string): Promise<string>;
  /** The built-in web room, one per incident: its chat id is the incident id. */
  room?: {
    post(incidentId: string, doc: MessageDoc, idempotencyKey: string): Promise<string>;
    update(incidentId: string, messageId: string, doc: MessageDoc): Promise<void>;
  };
}

export function createBuiltinProvider(deps: BuiltinDeps): NotificationProvider {
  const web: ChannelSender = {
    channel: 'web',
    async send(to: Recipient, doc: MessageDoc, options: SendOptions) {
      return { externalId: await deps.deliver(to.userId, doc, options.idempotencyKey) };
    },
  };
  const room = deps.room;
  const chat: ChatCapabilities | undefined = room && {
    platform: 'web',
    messenger: {
      async post(target, doc, options) {
        return { platform: 'web', chatId: target.id, messageId: await room.post(target.id, doc, options.idempotencyKey) };
      },
    },
    updater: {
      update: (ref, doc) => room.update(ref.chatId, ref.messageId, doc),
    },
    // Rows in our own database: no platform limit to keep to.
    rateRule: (target) => ({ key: `web:${target.id}`, intervalMs: 1 }),
  };
  return {
    info: () => ({ id: 'web', displayName: 'warroom inbox and web room', channels: ['web'] }),
    senders: [web],
    ...(chat ? { chat } : {}),
  };
}
