import { z } from 'zod';

export const WECOM_DEFAULT_BASE_URL = 'https://qyapi.weixin.qq.com';

/** Robot names are ChatTarget ids and rate-rule keys, so they stay short and colon-free. */
const ROBOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

// The key is the robot's only credential, so messages here never echo the URL.
const robotWebhookUrl = z.url({ protocol: /^https?$/ }).refine((value) => {
  const url = new URL(value);
  return url.pathname.endsWith('/cgi-bin/webhook/send') && Boolean(url.searchParams.get('key'));
}, 'webhook_url must be the full …/cgi-bin/webhook/send?key=… URL of a group robot');

const robotSchema = z.strictObject({ webhook_url: robotWebhookUrl });

/** A self-built app (自建应用): sends app messages, manages appchat rooms, receives callbacks. */
const appSchema = z.strictObject({
  corp_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'corp_id must be the CorpID shown under 我的企业'),
  corp_secret: z.string().min(8, 'corp_secret must be the app Secret'),
  agent_id: z.int().positive(),
  /** Callback Token: WeCom allows letters and digits, at most 32. */
  token: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'token must be 1 to 32 letters or digits'),
  /** Callback EncodingAESKey: base64 of the 32-byte AES key without its trailing '='. */
  encoding_aes_key: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'encoding_aes_key must be the 43-character EncodingAESKey'),
  // Injectable so tests (and private deployments) can point elsewhere.
  base_url: z
    .url({ protocol: /^https?$/ })
    .default(WECOM_DEFAULT_BASE_URL)
    .transform((url) => url.replace(/\/+$/, '')),
});

/** WeCom (企业微信): group robots (webhook-only) and/or one self-built app. */
export const wecomConfigSchema = z
  .strictObject({
    robots: z.record(z.string().regex(ROBOT_NAME, 'robot names are letters, digits, "-" and "_"'), robotSchema).optional(),
    app: appSchema.optional(),
    /** The robot that pages people when there is no app; optional when there is exactly one robot. */
    default_robot: z.string().optional(),
    timeout_ms: z.int().positive().max(120_000).default(10_000),
  })
  .superRefine((config, ctx) => {
    const names = Object.keys(config.robots ?? {});
    if (!config.app && names.length === 0) ctx.addIssue({ code: 'custom', message: 'configure at least one robot or the app', path: [] });
    if (config.default_robot !== undefined && !names.includes(config.default_robot)) {
      ctx.addIssue({ code: 'custom', message: 'default_robot must name one of robots', path: ['default_robot'] });
    }
    if (!config.app && names.length > 1 && config.default_robot === undefined) {
      ctx.addIssue({ code: 'custom', message: 'with several robots and no app, default_robot says which one pages people', path: ['default_robot'] });
    }
  });

export type WecomConfigInput = z.input<typeof wecomConfigSchema>;
export type WecomConfig = z.output<typeof wecomConfigSchema>;
export type WecomAppConfig = NonNullable<WecomConfig['app']>;

/** The robot that pages people: the configured default, else the only robot, else none. */
export function defaultRobotName(config: WecomConfig): string | undefined {
  const names = Object.keys(config.robots ?? {});
  return config.default_robot ?? (names.length === 1 ? names[0] : undefined);
}
