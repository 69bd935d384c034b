import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { withTx } from '../db/database.js';
import { ConflictError } from '../kernel/index.js';
import type { WarroomConfig } from '../contracts/index.js';
import { writeAudit } from '../domain/access/index.js';
import { deleteArticle, upsertArticle } from '../domain/knowledge/index.js';
import { RUNTIME_SETTINGS_KEY, saveRuntimeSettings } from '../domain/services/index.js';
import { diffRows, type ConfigChange } from './config-diff.js';
import { desiredRows, type DesiredRows } from './desired-rows.js';

export const CONFIG_CHANNEL = 'warroom_config';

export interface ApplyResult {
  changes: ConfigChange[];
  applied: boolean;
}

/**
 * Syncs the database to the config, idempotently: objects the config declares are created or
 * updated, objects it once declared and no longer does are deleted, and objects made through the
 * API are left alone. A dry run computes the same diff and writes nothing.
 */
export async function applyConfig(db: Db, config: WarroomConfig, options: { dryRun: boolean; actor: string; now: Date }): Promise<ApplyResult> {
  return withTx(db, async (tx) => {
    // One apply at a time, so two concurrent applies cannot interleave their diffs.
    await sql`select pg_advisory_xact_lock(hashtext('warroom.config.apply'))`.execute(tx);
    const desired = desiredRows(config);
    const current = await currentRows(tx, desired);
    keepApiPasswords(desired, current);
    const changes = [
      ...diffRows('user', current.users, desired.users, ['name', 'email', 'phone', 'timezone', 'role', 'chat_ids', 'webhook_url', 'notification_rules', 'password_hash']),
      ...diffRows('team', current.teams, desired.teams, ['name', 'lead_user_id', 'members']),
      ...diffRows('schedule', current.schedules, desired.schedules, ['name', 'timezone', 'team_id', 'layers']),
      ...diffRows('escalation_policy', current.policies, desired.policies, ['name', 'repeat', 'levels', 'fallback']),
      ...diffRows('service', current.services, desired.services, [
        'name', 'description', 'owner_user_id', 'team_id', 'impact', 'links', 'auto_resolve', 'grouping', 'generic_mapping', 'depends_on',
        'escalation_policy_id', 'escalation_by_severity', 'chat_destinations',
      ]),
      ...diffRows('integration_key', current.keys, desired.keys, ['service_id', 'name'], (_id, row) => `${row.service_id}/${row.name} (${row.key_hint})`),
      ...diffRows('api_token', current.tokens, desired.tokens, ['token_hash', 'role', 'user_id']),
      ...diffRows('settings', current.settings, desired.settings, ['value']),
      ...diffRows('knowledge_article', current.articles, desired.articles, ['title', 'body', 'tags', 'service_ids', 'category', 'url']),
    ];
    if (options.dryRun || !changes.length) return { changes, applied: false };
    await guardServiceDeletes(tx, changes);
    await writeChanges(tx, changes, desired);
    await writeAudit(tx, {
      at: options.now,
      actor: options.actor,
      action: 'config.apply',
      targetType: 'config',
      data: { changes: changes.map((c) => `${c.kind} ${c.type} ${c.label}`) },
    });
    await sql`select pg_notify(${CONFIG_CHANNEL}, 'applied')`.execute(tx);
    return { changes, applied: true };
  });
}

type Rows = { [K in keyof DesiredRows]: Map<string, Record<string, unknown>> };

/**
 * A user's password set through the API or CLI survives an apply whose config names no hash; a
 * hash that came from the config goes when the config drops it.
 */
function keepApiPasswords(desired: DesiredRows, current: Rows): void {
  for (const [id, user] of desired.users) {
    const have = current.users.get(id);
    if (user.password_hash || have?.password_set_by !== 'api') continue;
    user.password_hash = have.password_hash as string | null;
    user.password_set_by = 'api';
  }
}

async function currentRows(tx: Db, desired: DesiredRows): Promise<Rows> {
  const managed = <T extends { managed_by: string; id: string }>(rows: T[], wanted: Map<string, unknown>) =>
    rows.filter((row) => row.managed_by === 'config' || wanted.has(row.id));
  const users = managed(await tx.selectFrom('users').selectAll().execute(), desired.users);
  const teams = managed(await tx.selectFrom('teams').selectAll().execute(), desired.teams);
  const members = await tx.selectFrom('team_members').selectAll().execute();
  const schedules = managed(await tx.selectFrom('schedules').selectAll().execute(), desired.schedules);
  const policies = managed(await tx.selectFrom('escalation_policies').selectAll().execute(), desired.policies);
  const services = managed(await tx.selectFrom('services').selectAll().execute(), desired.services);
  const deps = await tx.selectFrom('service_dependencies').selectAll().execute();
  const keys = (await tx.selectFrom('integration_keys').selectAll().execute()).filter(
    (row) => row.managed_by === 'config' || desired.keys.has(row.key_hash),
  );
  const tokens = (await tx.selectFrom('api_tokens').selectAll().where('revoked_at', 'is', null).execute()).filter(
    (row) => row.managed_by === 'config' || desired.tokens.has(row.name),
  );
  const settings = await tx.selectFrom('settings').selectAll().where('key', '=', RUNTIME_SETTINGS_KEY).execute();
  const articles = managed(await tx.selectFrom('kb_articles').select(['id', 'title', 'body', 'tags', 'service_ids', 'category', 'url', 'managed_by']).execute(), desired.articles);
  return {
    articles: new Map(articles.map((a) => [a.id, { ...a }])),
    users: new Map(users.map((u) => [u.id, { ...u }])),
    teams: new Map(teams.map((t) => [t.id, { ...t, members: members.filter((m) => m.team_id === t.id).map((m) => m.user_id).sort() }])),
    schedules: new Map(schedules.map((sc) => [sc.id, { ...sc }])),
    policies: new Map(policies.map((p) => [p.id, { ...p }])),
    services: new Map(services.map((s) => [s.id, { ...s, depends_on: deps.filter((d) => d.service_id === s.id).map((d) => d.depends_on_id).sort() }])),
    keys: new Map(keys.map((k) => [k.key_hash, { ...k }])),
    tokens: new Map(tokens.map((t) => [t.name, { ...t }])),
    settings: new Map(settings.map((s) => [s.key, { value: s.value }])),
  };
}

async function guardServiceDeletes(tx: Db, changes: ConfigChange[]): Promise<void> {
  const deleted = changes.filter((c) => c.kind === 'delete' && c.type === 'service').map((c) => c.id);
  if (!deleted.length) return;
  const used = await tx
    .selectFrom('incidents')
    .select(['service_id', sql<number>`count(*)::int`.as('count')])
    .where('service_id', 'in', deleted)
    .groupBy('service_id')
    .execute();
  if (used.length) {
    const list = used.map((u) => `${u.service_id} (${u.count} incidents)`).join(', ');
    throw new ConflictError(`refusing to delete services that have incident history: ${list}; keep them in the config`);
  }
}

async function writeChanges(tx: Db, changes: ConfigChange[], desired: DesiredRows): Promise<void> {
  const of = (type: string, kind: ConfigChange['kind']) => changes.filter((c) => c.type === type && c.kind === kind).map((c) => c.id);
  const upserts = (type: string) => [...of(type, 'create'), ...of(type, 'update')];
  const now = new Date();
  // Deletes first, so a renamed id can take over its predecessor's unique email, key or token.
  const deletes = (type: string) => of(type, 'delete');
  if (deletes('api_token').length) await tx.deleteFrom('api_tokens').where('name', 'in', deletes('api_token')).execute();
  if (deletes('integration_key').length) await tx.deleteFrom('integration_keys').where('key_hash', 'in', deletes('integration_key')).execute();
  if (deletes('service').length) await tx.deleteFrom('services').where('id', 'in', deletes('service')).execute();
  if (deletes('escalation_policy').length) await tx.deleteFrom('escalation_policies').where('id', 'in', deletes('escalation_policy')).execute();
  if (deletes('schedule').length) await tx.deleteFrom('schedules').where('id', 'in', deletes('schedule')).execute();
  if (deletes('team').length) await tx.deleteFrom('teams').where('id', 'in', deletes('team')).execute();
  if (deletes('user').length) await tx.deleteFrom('users').where('id', 'in', deletes('user')).execute();

  // A password changed or dropped by the config ends that user's web sessions, as a change through the API does.
  const newPasswords = changes.filter((c) => c.type === 'user' && c.kind === 'update' && c.fields?.includes('password_hash')).map((c) => c.id);
  if (newPasswords.length) await tx.deleteFrom('web_sessions').where('user_id', 'in', newPasswords).execute();
  for (const id of upserts('user')) {
    const u = desired.users.get(id)!;
    const row = { ...u, chat_ids: JSON.stringify(u.chat_ids), notification_rules: JSON.stringify(u.notification_rules), managed_by: 'config' as const, updated_at: now };
    await tx.insertInto('users').values(row).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  }
  for (const id of upserts('team')) {
    const { members, ...team } = desired.teams.get(id)!;
    const row = { ...team, managed_by: 'config' as const, updated_at: now };
    await tx.insertInto('teams').values(row).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
    await tx.deleteFrom('team_members').where('team_id', '=', id).execute();
    if (members.length) await tx.insertInto('team_members').values(members.map((user_id) => ({ team_id: id, user_id }))).execute();
  }
  for (const id of upserts('schedule')) {
    const sc = desired.schedules.get(id)!;
    const row = { ...sc, layers: JSON.stringify(sc.layers), managed_by: 'config' as const, updated_at: now };
    await tx.insertInto('schedules').values(row).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  }
  for (const id of upserts('escalation_policy')) {
    const p = desired.policies.get(id)!;
    const row = { ...p, levels: JSON.stringify(p.levels), fallback: JSON.stringify(p.fallback), managed_by: 'config' as const, updated_at: now };
    await tx.insertInto('escalation_policies').values(row).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  }
  const serviceUpserts = upserts('service');
  for (const id of serviceUpserts) {
    const { depends_on: _deps, ...service } = desired.services.get(id)!;
    const row = {
      ...service,
      links: JSON.stringify(service.links),
      grouping: JSON.stringify(service.grouping),
      generic_mapping: JSON.stringify(service.generic_mapping),
      escalation_by_severity: JSON.stringify(service.escalation_by_severity),
      chat_destinations: JSON.stringify(service.chat_destinations),
      managed_by: 'config' as const,
      updated_at: now,
    };
    await tx.insertInto('services').values(row).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  }
  // Dependencies go after every service exists, since they point at each other.
  for (const id of serviceUpserts) {
    await tx.deleteFrom('service_dependencies').where('service_id', '=', id).execute();
    const deps = desired.services.get(id)!.depends_on;
    if (deps.length) await tx.insertInto('service_dependencies').values(deps.map((depends_on_id) => ({ service_id: id, depends_on_id }))).execute();
  }
  for (const keyHash of upserts('integration_key')) {
    const key = desired.keys.get(keyHash)!;
    const row = { service_id: key.service_id, name: key.name, key_hash: keyHash, key_hint: key.key_hint, managed_by: 'config' as const };
    await tx.insertInto('integration_keys').values(row).onConflict((oc) => oc.column('key_hash').doUpdateSet(row)).execute();
  }
  for (const name of upserts('api_token')) {
    const token = desired.tokens.get(name)!;
    const row = { name, token_hash: token.token_hash, token_hint: token.token_hint, role: token.role, user_id: token.user_id, managed_by: 'config' as const, revoked_at: null };
    await tx.insertInto('api_tokens').values(row).onConflict((oc) => oc.column('name').doUpdateSet(row)).execute();
  }
  if (upserts('settings').length) await saveRuntimeSettings(tx, desired.settings.get(RUNTIME_SETTINGS_KEY)!.value);
  // Articles name services only by id (no foreign key), so their order against services does not matter.
  for (const id of deletes('knowledge_article')) await deleteArticle(tx, id, { managedBy: 'config' });
  for (const id of upserts('knowledge_article')) {
    const a = desired.articles.get(id)!;
    await upsertArticle(tx, { id, title: a.title, body: a.body, tags: a.tags, serviceIds: a.service_ids, category: a.category, url: a.url }, { managedBy: 'config', now });
  }

}

