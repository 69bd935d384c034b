import { createHash } from 'node:crypto';

export type FeishuUserIdType = 'open_id' | 'union_id' | 'user_id';

/** Feishu ids carry their kind in the prefix: ou_ open_id, on_ union_id; anything else is a tenant user_id. */
export function userIdTypeOf(id: string): FeishuUserIdType {
  if (id.startsWith('ou_')) return 'open_id';
  if (id.startsWith('on_')) return 'union_id';
  return 'user_id';
}

/** Groups ids by kind, because every Feishu call takes one id type for its whole list. */
export function groupByIdType(ids: string[]): Map<FeishuUserIdType, string[]> {
  const groups = new Map<FeishuUserIdType, string[]>();
  for (const id of ids) {
    const type = userIdTypeOf(id);
    groups.set(type, [...(groups.get(type) ?? []), id]);
  }
  return groups;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Feishu's `uuid` dedup key holds at most 50 characters; longer keys are hashed, stably. */
export function feishuUuid(idempotencyKey: string): string {
  if (idempotencyKey.length <= 50) return idempotencyKey;
  return `h-${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 48)}`;
}
