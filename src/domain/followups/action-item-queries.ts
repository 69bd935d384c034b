import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { NotFoundError } from '../../kernel/index.js';
import { isOverdue } from './action-item-policy.js';
import { followupDb, type ActionItemStatus, type FollowupSource } from './followup-tables.js';
import { formatTime } from './markdown-text.js';

export interface ActionItem {
  id: string;
  incidentId: string;
  title: string;
  assigneeUserId: string | null;
  /** The assignee's display name, when the item has one. */
  assigneeName: string | null;
  dueAt: Date;
  status: ActionItemStatus;
  createdBy: string;
  source: FollowupSource;
  remindedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  doneAt: Date | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function selectItems(db: Db) {
  return followupDb(db)
    .selectFrom('action_items as a')
    .leftJoin('users as u', 'u.id', 'a.assignee_user_id')
    .select([
      'a.id', 'a.incident_id', 'a.title', 'a.assignee_user_id', 'u.name as assignee_name', 'a.due_at', 'a.status', 'a.created_by',
      'a.source', 'a.reminded_at', 'a.created_at', 'a.updated_at', 'a.done_at',
    ]);
}

type ItemRow = Awaited<ReturnType<ReturnType<typeof selectItems>['executeTakeFirstOrThrow']>>;

const toActionItem = (row: ItemRow): ActionItem => ({
  id: row.id,
  incidentId: row.incident_id,
  title: row.title,
  assigneeUserId: row.assignee_user_id,
  assigneeName: row.assignee_name,
  dueAt: row.due_at,
  status: row.status,
  createdBy: row.created_by,
  source: row.source,
  remindedAt: row.reminded_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  doneAt: row.done_at,
});

/** One action item by id; 404 when there is none (a malformed id is simply not found). `forUpdate` locks its row. */
export async function getActionItem(db: Db, itemId: string, options: { forUpdate?: boolean } = {}): Promise<ActionItem> {
  const query = selectItems(db).where('a.id', '=', itemId);
  const row = UUID_RE.test(itemId) ? await (options.forUpdate ? query.forUpdate('a') : query).executeTakeFirst() : undefined;
  if (!row) throw new NotFoundError(`action item ${itemId} not found`);
  return toActionItem(row);
}

/** An incident's action items, oldest first; `status` narrows to open, done or cancelled ones. */
export async function listActionItems(db: Db, incidentId: string, options: { status?: ActionItemStatus } = {}): Promise<ActionItem[]> {
  let query = selectItems(db).where('a.incident_id', '=', incidentId).orderBy('a.created_at').orderBy('a.id');
  if (options.status) query = query.where('a.status', '=', options.status);
  return (await query.execute()).map(toActionItem);
}

/**
 * Text lines for posting in the war room: the open items with their assignee and due time,
 * soonest due first, overdue ones marked.
 */
export async function openActionItemsSummary(db: Db, incidentId: string, options: { now?: Date; timeZone?: string } = {}): Promise<string[]> {
  const items = (await listActionItems(db, incidentId, { status: 'open' })).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  return formatOpenActionItems(items, options.now ?? null, options.timeZone ?? 'UTC');
}

/** Pure: the lines of `openActionItemsSummary`. */
export function formatOpenActionItems(items: ActionItem[], now: Date | null, timeZone: string): string[] {
  if (!items.length) return ['没有未完成的行动项 No open action items.'];
  return [
    `未完成行动项 Open action items (${items.length}):`,
    ...items.map((item, i) => {
      const who = item.assigneeName ?? item.assigneeUserId ?? '未分配 unassigned';
      const late = now && isOverdue(item.dueAt, now) ? ' ⚠️ 已逾期 overdue' : '';
      return `${i + 1}. ${item.title} — ${who}, 截止 due ${formatTime(item.dueAt, timeZone)}${late}`;
    }),
  ];
}

/**
 * The warroom user a chat mention or a typed name means: a user id, a chat id from config or a
 * directory lookup, or a display name (case-insensitive). Null when nobody or several match by name.
 */
export async function findUserByMention(db: Db, mention: string | string[]): Promise<{ id: string; name: string } | null> {
  const ids = (Array.isArray(mention) ? mention : [mention]).map((m) => m.trim().replace(/^@/, '')).filter(Boolean);
  if (!ids.length) return null;
  const exact = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.name'])
    .where((eb) =>
      eb.or([
        eb('u.id', 'in', ids),
        eb.exists(
          eb.selectFrom(sql<{ value: string }>`jsonb_each_text(u.chat_ids)`.as('c')).select('c.value').where('c.value', 'in', ids),
        ),
        eb.exists(eb.selectFrom('chat_identities as ci').select('ci.user_id').whereRef('ci.user_id', '=', 'u.id').where('ci.external_id', 'in', ids)),
      ]),
    )
    .orderBy('u.id')
    .executeTakeFirst();
  if (exact) return exact;
  const byName = await db
    .selectFrom('users')
    .select(['id', 'name'])
    .where(sql<string>`lower(name)`, 'in', ids.map((id) => id.toLowerCase()))
    .limit(2)
    .execute();
  return byName.length === 1 ? byName[0]! : null;
}
