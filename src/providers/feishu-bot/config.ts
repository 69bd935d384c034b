import { z } from 'zod';

/** One custom group bot (自定义机器人): its webhook URL carries the token, so treat the URL as a secret. */
const robotSchema = z.strictObject({
  webhook_url: z.url({ protocol: /^https?$/ }),
  /** The bot's "signature verification" secret; every body is signed when set. */
  secret: z.string().min(1).optional(),
  /** The bot's "custom keyword" setting; messages lacking it are refused (19024), so it is added when missing. */
  keyword: z.string().min(1).optional(),
});

/**
 * Feishu custom group bots, send-only. Robot names become chat ids in MessageRefs (`feishu:<name>:<id>`),
 * so they are restricted to characters that survive that encoding.
 */
export const feishuBotConfigSchema = z.strictObject({
  robots: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'robot names use letters, digits, _ . -'), robotSchema),
  timeout_ms: z.int().positive().max(120_000).default(10_000),
});

export type FeishuBotConfigInput = z.input<typeof feishuBotConfigSchema>;
export type FeishuBotConfig = z.output<typeof feishuBotConfigSchema>;
export type FeishuRobot = FeishuBotConfig['robots'][string];
