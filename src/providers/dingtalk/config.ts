import { z } from 'zod';

// Robot names end up in MessageRefs ("dingtalk:<robot>:<id>"), so no colons or spaces.
const ROBOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The webhook URL carries the robot's access_token, so messages never echo it, and plain http is
 * allowed only to loopback (the local fake); anywhere else the token would cross the wire in clear.
 */
const webhookUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'webhook_url must be a full URL (https://oapi.dingtalk.com/robot/send?access_token=…)' });
    return;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) ctx.addIssue({ code: 'custom', message: 'webhook_url must use https' });
  if (!url.searchParams.get('access_token')) ctx.addIssue({ code: 'custom', message: 'webhook_url must contain access_token' });
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'webhook_url must not embed credentials' });
});

export const dingtalkRobotSchema = z.strictObject({
  webhook_url: webhookUrlSchema,
  /** The 加签 secret from the robot's security settings; DingTalk's always start with SEC. */
  secret: z.string().regex(/^SEC\S+$/, 'secret must be the robot signing secret starting with SEC').optional(),
  /** A 自定义关键词 the robot requires; every message then carries it. */
  keyword: z.string().trim().min(1).max(100).optional(),
});

/** An internal app's credentials, for receiving robot messages and card callbacks. */
export const dingtalkAppSchema = z.strictObject({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

export const dingtalkConfigSchema = z
  .strictObject({
    robots: z
      .record(z.string().regex(ROBOT_NAME, 'robot names are letters, digits, _ . - (no colons)'), dingtalkRobotSchema)
      .refine((robots) => Object.keys(robots).length > 0, 'configure at least one robot'),
    /** The robot whose group people are paged in; the first robot when absent. */
    default_robot: z.string().optional(),
    app: dingtalkAppSchema.optional(),
    timeout_ms: z.number().int().positive().max(120_000).default(10_000),
  })
  .superRefine((config, ctx) => {
    if (config.default_robot !== undefined && !Object.hasOwn(config.robots, config.default_robot)) {
      ctx.addIssue({ code: 'custom', path: ['default_robot'], message: `default_robot '${config.default_robot}' is not one of robots` });
    }
  })
  .transform((config) => ({ ...config, default_robot: config.default_robot ?? Object.keys(config.robots)[0]! }));

export type DingtalkRobot = z.output<typeof dingtalkRobotSchema>;
export type DingtalkApp = z.output<typeof dingtalkAppSchema>;
export type DingtalkConfigInput = z.input<typeof dingtalkConfigSchema>;
export type DingtalkConfig = z.output<typeof dingtalkConfigSchema>;
