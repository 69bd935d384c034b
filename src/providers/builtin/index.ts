import type { ChannelSender, MessageDoc, NotificationProvider, Recipient, SendOptions } from '../api.js';

/**
 * warroom's own inbox: always available, so the whole flow works with no chat platform at all.
 * It stores rather than sends; `deliver` is given by the composition root and writes the row.
 */
export interface BuiltinDeps {
  deliver(userId: string, doc: MessageDoc, idempotencyKey: string): Promise<string>;
}

export function createBuiltinProvider(deps: BuiltinDeps): NotificationProvider {
  const web: ChannelSender = {
    channel: 'web',
    async send(to: Recipient, doc: MessageDoc, options: SendOptions) {
      return { externalId: await deps.deliver(to.userId, doc, options.idempotencyKey) };
    },
  };
  return {
    info: () => ({ id: 'builtin', displayName: 'warroom inbox', channels: ['web'] }),
    senders: [web],
  };
}
