import { z } from 'zod';
import { CATEGORIES, SEVERITIES, parseDuration } from '../kernel/index.js';

export const severitySchema = z.enum(SEVERITIES);
export const categorySchema = z.enum(CATEGORIES);

/** A duration written as "30s", "5m", "1h30m"; parsed to milliseconds. */
export const durationSchema = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Slugs name config objects (users, teams, services) and are their stable ids. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lowercase letters, digits, ".", "_" or "-" (max 63)');

export const labelMapSchema = z.record(z.string(), z.string());

/** Turns zod issues into "path: reason" lines; the path is dotted with [n] for array items. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${String(part)}` : String(part);
  }, '');
}

export function describeZodError(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    // Name each unknown key itself, so the path (and its line) points at the key, not its parent.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatIssuePath([...issue.path, key]), message: `unknown key "${key}"` }));
    }
    return [{ path: formatIssuePath(issue.path) || '(root)', message: issue.message }];
  });
}
