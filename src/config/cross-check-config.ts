import type { z } from 'zod';
import { describeZodError, type WarroomConfig } from '../contracts/index.js';
import { emailConfigSchema } from '../providers/email/config.js';
import { smsVoiceConfigSchema } from '../providers/sms-voice/config.js';
import { webhookConfigSchema } from '../providers/webhook/config.js';
import { feishuConfigSchema } from '../providers/feishu/config.js';
import { feishuBotConfigSchema } from '../providers/feishu-bot/config.js';
import { slackConfigSchema } from '../providers/slack/config.js';
import { dingtalkConfigSchema } from '../providers/dingtalk/config.js';
import { wecomConfigSchema } from '../providers/wecom/config.js';
import type { ConfigIssue } from './config-error.js';

/** Checks what a schema cannot: references between objects, uniqueness, valid time zones. */
export function crossCheckConfig(config: WarroomConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const users = new Set<string>();
  const duplicate = (kind: string, seen: Set<string>, id: string, path: string) => {
    if (seen.has(id)) issues.push({ path, message: `duplicate ${kind} id "${id}"` });
    seen.add(id);
  };
  config.users.forEach((user, i) => {
    duplicate('user', users, user.id, `users[${i}].id`);
    if (!isTimeZone(user.timezone)) issues.push({ path: `users[${i}].timezone`, message: `unknown time zone "${user.timezone}" (use an IANA name like Asia/Shanghai)` });
  });
  const emails = new Map<string, number>();
  config.users.forEach((user, i) => {
    if (!user.email) return;
    const key = user.email.toLowerCase();
    if (emails.has(key)) issues.push({ path: `users[${i}].email`, message: `email ${user.email} is already used by users[${emails.get(key)}]` });
    emails.set(key, i);
  });
  const teams = new Set<string>();
  config.teams.forEach((team, i) => {
    duplicate('team', teams, team.id, `teams[${i}].id`);
    if (team.lead && !users.has(team.lead)) issues.push({ path: `teams[${i}].lead`, message: `unknown user "${team.lead}"` });
    team.members.forEach((member, j) => {
      if (!users.has(member)) issues.push({ path: `teams[${i}].members[${j}]`, message: `unknown user "${member}"` });
    });
  });
  const services = new Set<string>();
  config.services.forEach((service, i) => duplicate('service', services, service.id, `services[${i}].id`));
  const keys = new Map<string, string>();
  config.services.forEach((service, i) => {
    if (service.owner && !users.has(service.owner)) issues.push({ path: `services[${i}].owner`, message: `unknown user "${service.owner}"` });
    if (service.team && !teams.has(service.team)) issues.push({ path: `services[${i}].team`, message: `unknown team "${service.team}"` });
    service.depends_on.forEach((dep, j) => {
      if (dep === service.id) issues.push({ path: `services[${i}].depends_on[${j}]`, message: 'a service cannot depend on itself' });
      else if (!services.has(dep)) issues.push({ path: `services[${i}].depends_on[${j}]`, message: `unknown service "${dep}"` });
    });
    service.integration_keys.forEach((key, j) => {
      const path = `services[${i}].integration_keys[${j}].key`;
      if (keys.has(key.key)) issues.push({ path, message: `this key is already used at ${keys.get(key.key)}` });
      else keys.set(key.key, path);
    });
  });
  config.classification.rules?.forEach((rule, i) => {
    rule.when.services?.forEach((id, j) => {
      if (!services.has(id)) issues.push({ path: `classification.rules[${i}].when.services[${j}]`, message: `unknown service "${id}"` });
    });
  });
  const schedules = new Set<string>();
  config.schedules.forEach((schedule, i) => {
    duplicate('schedule', schedules, schedule.id, `schedules[${i}].id`);
    if (!isTimeZone(schedule.timezone)) issues.push({ path: `schedules[${i}].timezone`, message: `unknown time zone "${schedule.timezone}"` });
    if (schedule.team && !teams.has(schedule.team)) issues.push({ path: `schedules[${i}].team`, message: `unknown team "${schedule.team}"` });
    schedule.layers.forEach((layer, j) =>
      layer.users.forEach((user, k) => {
        if (!users.has(user)) issues.push({ path: `schedules[${i}].layers[${j}].users[${k}]`, message: `unknown user "${user}"` });
      }),
    );
  });
  const policies = new Set<string>();
  const checkTargets = (targets: WarroomConfig['escalation_policies'][number]['fallback'], path: string) =>
    targets.forEach((target, k) => {
      const [kind, id, known] =
        'user' in target ? ['user', target.user, users] : 'schedule' in target ? ['schedule', target.schedule, schedules] : ['team', target.team, teams];
      if (!known.has(id)) issues.push({ path: `${path}[${k}].${kind}`, message: `unknown ${kind} "${id}"` });
    });
  config.escalation_policies.forEach((policy, i) => {
    duplicate('escalation policy', policies, policy.id, `escalation_policies[${i}].id`);
    policy.levels.forEach((level, j) => checkTargets(level.targets, `escalation_policies[${i}].levels[${j}].targets`));
    checkTargets(policy.fallback, `escalation_policies[${i}].fallback`);
  });
  config.services.forEach((service, i) => {
    if (service.escalation_policy && !policies.has(service.escalation_policy)) {
      issues.push({ path: `services[${i}].escalation_policy`, message: `unknown escalation policy "${service.escalation_policy}"` });
    }
    for (const [severity, policy] of Object.entries(service.escalation_by_severity)) {
      if (policy && !policies.has(policy)) issues.push({ path: `services[${i}].escalation_by_severity.${severity}`, message: `unknown escalation policy "${policy}"` });
    }
    service.chat_destinations.forEach((destination, j) => {
      if (!config.channels[destination.provider]) issues.push({ path: `services[${i}].chat_destinations[${j}].provider`, message: `channels.${destination.provider} is not configured` });
    });
  });
  // Each channel is checked by its provider's own schema, so a config that loads is one that starts.
  const channelSchemas: [keyof WarroomConfig['channels'], z.ZodType][] = [
    ['email', emailConfigSchema],
    ['twilio', smsVoiceConfigSchema],
    ['webhook', webhookConfigSchema],
    ['feishu', feishuConfigSchema],
    ['feishu_bot', feishuBotConfigSchema],
    ['slack', slackConfigSchema],
    ['dingtalk', dingtalkConfigSchema],
    ['wecom', wecomConfigSchema],
  ];
  for (const [name, schema] of channelSchemas) {
    const value = config.channels[name];
    if (!value) continue;
    const parsed = schema.safeParse(value);
    if (!parsed.success) for (const issue of describeZodError(parsed.error)) issues.push({ path: `channels.${name}.${issue.path}`, message: issue.message });
  }
  (config.war_rooms.platforms ?? []).forEach((platform, i) => {
    const path = `war_rooms.platforms[${i}]`;
    if (!config.channels[platform]) issues.push({ path, message: `channels.${platform} is not configured` });
    else if (platform === 'feishu_bot' || platform === 'dingtalk') issues.push({ path, message: `${platform} robots cannot create group chats; use feishu, slack or wecom (with its app)` });
    else if (platform === 'wecom' && !(config.channels.wecom as { app?: unknown }).app) issues.push({ path, message: 'wecom needs its app section to create group chats (appchat)' });
  });
  const articles = new Set<string>();
  config.knowledge_base.articles.forEach((article, i) => {
    duplicate('knowledge-base article', articles, article.id, `knowledge_base.articles[${i}].id`);
    article.services.forEach((id, j) => {
      if (!services.has(id)) issues.push({ path: `knowledge_base.articles[${i}].services[${j}]`, message: `unknown service "${id}"` });
    });
  });
  const tokenNames = new Set<string>();
  const tokens = new Set<string>();
  config.api_tokens.forEach((token, i) => {
    duplicate('api token', tokenNames, token.name, `api_tokens[${i}].name`);
    if (tokens.has(token.token)) issues.push({ path: `api_tokens[${i}].token`, message: 'the same token is declared twice' });
    tokens.add(token.token);
    if (token.user && !users.has(token.user)) issues.push({ path: `api_tokens[${i}].user`, message: `unknown user "${token.user}"` });
  });
  return issues;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
