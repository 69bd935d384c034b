export type ChangeKind = 'create' | 'update' | 'delete';

export interface ConfigChange {
  kind: ChangeKind;
  type: string;
  id: string;
  /** How people recognise the object; secrets show only as a hint. */
  label: string;
  fields?: string[];
}

/** Compares rows by id on the listed fields; values are compared as canonical JSON. */
export function diffRows<T extends Record<string, unknown>>(
  type: string,
  current: Map<string, T>,
  desired: Map<string, T>,
  fields: (keyof T & string)[],
  label: (id: string, row: T) => string = (id) => id,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const [id, want] of desired) {
    const have = current.get(id);
    if (!have) {
      changes.push({ kind: 'create', type, id, label: label(id, want) });
      continue;
    }
    const changed = fields.filter((field) => canonical(have[field]) !== canonical(want[field]));
    if (changed.length) changes.push({ kind: 'update', type, id, label: label(id, want), fields: changed });
  }
  for (const [id, row] of current) if (!desired.has(id)) changes.push({ kind: 'delete', type, id, label: label(id, row) });
  return changes;
}

export function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const SIGN: Record<ChangeKind, string> = { create: '+', update: '~', delete: '-' };

export function formatChanges(changes: ConfigChange[]): string {
  if (!changes.length) return 'no changes: the database already matches the config';
  return changes
    .map((change) => `${SIGN[change.kind]} ${change.type} ${change.label}${change.fields ? ` (${change.fields.join(', ')})` : ''}`)
    .join('\n');
}
