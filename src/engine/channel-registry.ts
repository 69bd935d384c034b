import type { ChannelKind, ChannelSender, NotificationProvider } from '../providers/api.js';

/** Which sender serves each channel, from the providers the config enabled. */
export class ChannelRegistry {
  private readonly senders = new Map<ChannelKind, ChannelSender>();

  constructor(readonly providers: NotificationProvider[]) {
    for (const provider of providers) for (const sender of provider.senders) this.senders.set(sender.channel, sender);
  }

  get(channel: string): ChannelSender | undefined {
    return this.senders.get(channel as ChannelKind);
  }

  available(): ReadonlySet<string> {
    return new Set(this.senders.keys());
  }

  async close(): Promise<void> {
    await Promise.all(this.providers.map((p) => p.close?.()));
  }
}
