import type { ChannelKind, ChannelSender, ChatCapabilities, NotificationProvider } from '../providers/api.js';

/** A provider that has chat capabilities, under the id warroom.yaml knows it by (feishu, feishu_bot…). */
export interface ChatProviderEntry {
  id: string;
  chat: ChatCapabilities;
}

/** Which sender serves each channel, and which chat provider serves each chat destination. */
export class ChannelRegistry {
  private readonly senders = new Map<ChannelKind, { sender: ChannelSender; providerId: string }>();
  private readonly chatProviders = new Map<string, ChatProviderEntry>();

  constructor(readonly providers: NotificationProvider[]) {
    for (const provider of providers) {
      const id = provider.info().id;
      for (const sender of provider.senders) this.senders.set(sender.channel, { sender, providerId: id });
      if (provider.chat) this.chatProviders.set(id, { id, chat: provider.chat });
    }
  }

  get(channel: string): ChannelSender | undefined {
    return this.senders.get(channel as ChannelKind)?.sender;
  }

  /** The provider id behind a channel's sender (the Feishu app sends the "feishu" channel). */
  providerOf(channel: string): string | undefined {
    return this.senders.get(channel as ChannelKind)?.providerId;
  }

  chat(providerId: string): ChatProviderEntry | undefined {
    return this.chatProviders.get(providerId);
  }

  chats(): ChatProviderEntry[] {
    return [...this.chatProviders.values()];
  }

  available(): ReadonlySet<string> {
    return new Set(this.senders.keys());
  }

  async close(): Promise<void> {
    await Promise.all(this.providers.map((p) => p.close?.()));
  }
}
