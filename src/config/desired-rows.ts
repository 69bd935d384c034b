import { hashSecret, secretHint } from '../kernel/index.js';
import type { ManagedBy } from '../db/schema.js';
import type { Role, WarroomConfig } from '../contracts/index.js';
import { RUNTIME_SETTINGS_KEY, runtimeSettingsFromConfig, type RuntimeSettings } from '../domain/services/index.js';

/** The rows the config asks for, in the database's own shape; secrets are hashed here. */
export function desiredRows(config: WarroomConfig) {
  const users = new Map(
    config.users.map((u) => [
      u.id,
      {
        id: u.id,
        name: u.name,
        email: u.email ?? null,
        phone: u.phone ?? null,
        timezone: u.timezone,
        role: u.role as Role,
        chat_ids: u.chat as Record<string, string>,
        webhook_url: u.webhook_url ?? null,
        notification_rules: (u.notification_rules as Record<string, { channel: string; after: number }[]> | undefined) ?? null,
        // apply-config keeps a hash set through the API when the config names none.
        password_hash: u.password_hash ?? null,
        password_set_by: u.password_hash ? ('config' as ManagedBy) : null,
      },
    ]),
  );
  const teams = new Map(
    config.teams.map((t) => [t.id, { id: t.id, name: t.name, lead_user_id: t.lead ?? null, members: [...new Set(t.members)].sort() }]),
  );
  const services = new Map(
    config.services.map((s) => [
      s.id,
      {
        id: s.id,
        name: s.name,
        description: s.description ?? null,
        owner_user_id: s.owner ?? null,
        team_id: s.team ?? null,
        impact: s.impact,
        links: s.links as Record<string, string>,
        auto_resolve: s.auto_resolve,
        grouping: s.grouping ? { group_by: s.grouping.group_by, window: s.grouping.window } : null,
        generic_mapping: (s.generic_mapping as Record<string, unknown> | undefined) ?? null,
        depends_on: [...new Set(s.depends_on)].sort(),
        escalation_policy_id: s.escalation_policy ?? null,
        escalation_by_severity: s.escalation_by_severity as Record<string, string>,
        chat_destinations: s.chat_destinations.map((d) => ({ provider: d.provider, target: d.target })),
      },
    ]),
  );
  const keys = new Map(
    config.services.flatMap((s) =>
      s.integration_keys.map((k) => [hashSecret(k.key), { service_id: s.id, name: k.name, key_hint: secretHint(k.key) }] as const),
    ),
  );
  const tokens = new Map(
    config.api_tokens.map((t) => [t.name, { token_hash: hashSecret(t.token), token_hint: secretHint(t.token), role: t.role, user_id: t.user ?? null }]),
  );
  const schedules = new Map(config.schedules.map((sc) => [sc.id, { id: sc.id, name: sc.name, timezone: sc.timezone, team_id: sc.team ?? null, layers: sc.layers as unknown[] }]));
  const policies = new Map(
    config.escalation_policies.map((p) => [p.id, { id: p.id, name: p.name, repeat: p.repeat, levels: p.levels as unknown[], fallback: p.fallback as unknown[] }]),
  );
  const settings = new Map<string, { value: RuntimeSettings }>([[RUNTIME_SETTINGS_KEY, { value: runtimeSettingsFromConfig(config) }]]);
  const articles = new Map(
    config.knowledge_base.articles.map((a) => [
      a.id,
      { id: a.id, title: a.title, body: a.body, tags: [...new Set(a.tags)], service_ids: [...new Set(a.services)], category: a.category ?? null, url: a.url ?? null },
    ]),
  );
  return { users, teams, schedules, policies, services, keys, tokens, settings, articles };
}

export type DesiredRows = ReturnType<typeof desiredRows>;
