import { z } from 'zod';

/**
 * A Slack app installed in one workspace: its bot token (chat:write, channels:manage,
 * users:read.email…) and the signing secret that authenticates Slack's callbacks.
 * Validation messages never echo either value.
 */
export const slackConfigSchema = z.strictObject({
  // User (xoxp-) and app-level (xapp-) tokens act differently; only the bot token is supported.
  bot_token: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, 'bot_token must be a bot token starting with xoxb-'),
  signing_secret: z.string().min(16, 'signing_secret must be the app signing secret (Basic Information page)'),
  // For tests and proxies; the SDK appends the method name, so keep the trailing slash.
  api_url: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((url) => (url === undefined ? undefined : url.endsWith('/') ? url : `${url}/`)),
  timeout_ms: z.number().int().positive().max(120_000).default(10_000),
});

export type SlackConfigInput = z.input<typeof slackConfigSchema>;
export type SlackConfig = z.output<typeof slackConfigSchema>;

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
