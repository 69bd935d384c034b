import { z } from 'zod';
import { SEVERITIES, ValidationError } from '../../kernel/index.js';

const urgentLevelSchema = z.enum(['app', 'sms', 'phone']);

/** 'feishu' and 'lark' are the SDK's named domains; anything else is a base URL (a fake in tests). */
const domainSchema = z.union([
  z.enum(['feishu', 'lark']),
  z
    .url({ protocol: /^https?$/ })
    // The SDK concatenates `${domain}/open-apis/…`; a trailing slash would make `//open-apis`.
    .transform((url) => url.replace(/\/+$/, '')),
]);

/**
 * A self-built Feishu/Lark app. Secrets come from the environment via the config file; zod messages
 * never quote input values, so a bad secret is never echoed back.
 */
export const feishuConfigSchema = z.strictObject({
  app_id: z.string().min(1),
  app_secret: z.string().min(1),
  domain: domainSchema.default('feishu'),
  /** Checked against `token` in callbacks when set. */
  verification_token: z.string().min(1).optional(),
  /** Enables signature checks and decryption of callbacks; strongly recommended. */
  encrypt_key: z.string().min(1).optional(),
  inbound: z.enum(['webhook', 'long_connection']).default('webhook'),
  /** Buzz levels per severity for pages sent to a person. A configured map replaces the default as a whole. */
  urgent: z.partialRecord(z.enum(SEVERITIES), z.array(urgentLevelSchema)).default({ P0: ['phone'], P1: ['app'] }),
  /** The bot's own open_id, so a message that @mentions it is recognised even without mentioned_type. */
  bot_open_id: z.string().min(1).optional(),
  timeout_ms: z.int().positive().max(120_000).default(10_000),
});

export type FeishuConfigInput = z.input<typeof feishuConfigSchema>;
export type FeishuConfig = z.output<typeof feishuConfigSchema>;

/** Parses the config, naming bad fields but never their values. */
export function parseFeishuConfig(config: unknown): FeishuConfig {
  const parsed = feishuConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ValidationError(`invalid feishu config: ${problems.join('; ')}`, { fields: parsed.error.issues.map((i) => i.path.join('.')) });
}

/** The domain as the SDK takes it: its named domains map to open.feishu.cn / open.larksuite.com. */
export function sdkDomain(domain: FeishuConfig['domain']): string {
  if (domain === 'feishu') return 'https://open.feishu.cn';
  if (domain === 'lark') return 'https://open.larksuite.com';
  return domain;
}
