import type { Severity } from '../../kernel/index.js';
import type { NotifyChannel } from '../../contracts/index.js';
import { severityClass, type SeverityPolicy, type SeverityClass } from './severity-policy.js';

export interface ChannelStep {
  channel: NotifyChannel;
  delayMs: number;
}

export interface PlannedUser {
  userId: string;
  steps: ChannelStep[];
  /** Channels dropped from the plan and why, so a simulation can show it. */
  skipped: { channel: NotifyChannel; reason: string }[];
}

export interface UserContact {
  id: string;
  email: string | null;
  phone: string | null;
  webhookUrl: string | null;
  chatIds: Record<string, string>;
  rules: { high?: { channel: NotifyChannel; after: number }[]; low?: { channel: NotifyChannel; after: number }[] } | null;
}

/** Channels by severity when a user has no rules of their own (the war-room design's defaults). */
export const DEFAULT_CHANNELS: Record<SeverityClass, NotifyChannel[]> = {
  critical: ['voice', 'sms', 'im'],
  warning: ['im', 'sms', 'email'],
  info: ['im', 'email'],
};

/** Chat platforms in the order "im" tries them for a user. */
export const IM_PLATFORMS = ['feishu', 'slack', 'dingtalk', 'wecom'] as const;

/**
 * Resolves "im" to a concrete channel: the first chat platform the user has an id on and warroom
 * can send to, else warroom's own built-in inbox, which always exists.
 */
export function resolveChannel(channel: NotifyChannel, user: UserContact, available: ReadonlySet<string>): NotifyChannel {
  if (channel !== 'im') return channel;
  for (const platform of IM_PLATFORMS) {
    const id = user.chatIds[platform] ?? (platform === 'feishu' ? user.chatIds.lark : undefined);
    if (id && available.has(platform)) return platform;
  }
  return 'web';
}

function unreachable(channel: NotifyChannel, user: UserContact, available: ReadonlySet<string>): string | null {
  if (!available.has(channel)) return `no ${channel} provider is configured`;
  if (channel === 'email' && !user.email) return 'no email address';
  if ((channel === 'sms' || channel === 'voice') && !user.phone) return 'no phone number';
  if (channel === 'webhook' && !user.webhookUrl) return 'no webhook_url';
  if (['feishu', 'slack', 'dingtalk', 'wecom'].includes(channel) && !user.chatIds[channel] && !(channel === 'feishu' && user.chatIds.lark)) {
    return `no ${channel} id`;
  }
  return null;
}

/**
 * Pure: who gets which channel when. The user's rules for the urgency (or the defaults by
 * severity), plus the severity policy's channels at once, minus what cannot reach them. Nobody is
 * left with an empty plan: the built-in inbox is the last resort.
 */
export function planUserChannels(user: UserContact, severity: Severity, policy: SeverityPolicy, available: ReadonlySet<string>): PlannedUser {
  if (policy.recordOnly) return { userId: user.id, steps: [], skipped: [] };
  const urgency = severity === 'P0' || severity === 'P1' ? 'high' : 'low';
  const own = user.rules?.[urgency];
  const base: ChannelStep[] = own
    ? own.map((rule) => ({ channel: rule.channel, delayMs: rule.after }))
    : DEFAULT_CHANNELS[severityClass(severity)].map((channel) => ({ channel, delayMs: 0 }));
  const wanted = [...policy.channels.map((channel) => ({ channel, delayMs: 0 })), ...base];

  const steps = new Map<NotifyChannel, number>();
  const skipped: PlannedUser['skipped'] = [];
  for (const step of wanted) {
    const channel = resolveChannel(step.channel, user, available);
    const reason = unreachable(channel, user, available);
    if (reason) {
      if (!skipped.some((s) => s.channel === channel)) skipped.push({ channel, reason });
      continue;
    }
    const earlier = steps.get(channel);
    if (earlier === undefined || step.delayMs < earlier) steps.set(channel, step.delayMs);
  }
  if (!steps.size) steps.set('web', 0);
  const ordered = [...steps].map(([channel, delayMs]) => ({ channel, delayMs })).sort((a, b) => a.delayMs - b.delayMs);
  return { userId: user.id, steps: ordered, skipped };
}
