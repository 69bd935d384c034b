import type { Db } from '../../db/database.js';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Record<string, unknown>;
  ip?: string | null;
}

/** Writes audit rows in the caller's transaction, so an action and its audit row commit together. */
export async function writeAudit(tx: Db, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  await tx
    .insertInto('audit_log')
    .values(
      list.map((entry) => ({
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId ?? null,
        data: JSON.stringify(entry.data ?? {}),
        ip: entry.ip ?? null,
      })),
    )
    .execute();
}

export async function listAudit(db: Db, options: { limit: number; beforeId?: number; targetType?: string; targetId?: string }) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.beforeId) query = query.where('id', '<', String(options.beforeId));
  if (options.targetType) query = query.where('target_type', '=', options.targetType);
  if (options.targetId) query = query.where('target_id', '=', options.targetId);
  return query.execute();
}
