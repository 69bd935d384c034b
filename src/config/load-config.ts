import { readFile } from 'node:fs/promises';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { describeZodError, warroomConfigSchema, type WarroomConfig } from '../contracts/index.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { crossCheckConfig } from './cross-check-config.js';

const ENV_RE = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/** Reads, parses and validates warroom.yaml; every failure is a ConfigError naming file, path and reason. */
export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<WarroomConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '(file)', message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code})` }]);
  }
  return parseConfigText(text, file, env);
}

export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): WarroomConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      doc.errors.map((error) => ({ path: '(yaml)', line: lineCounter.linePos(error.pos[0]).line, message: error.message.split('\n')[0]! })),
    );
  }
  const missingEnv: ConfigIssue[] = [];
  const raw = substituteEnv(doc.toJS({ maxAliasCount: 100 }) ?? {}, env, [], missingEnv);
  if (missingEnv.length) throw new ConfigError(file, withLines(missingEnv, doc, lineCounter));

  const parsed = warroomConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, withLines(describeZodError(parsed.error), doc, lineCounter));
  const problems = crossCheckConfig(parsed.data);
  if (problems.length) throw new ConfigError(file, withLines(problems, doc, lineCounter));
  return parsed.data;
}

/** `${VAR}` and `${VAR:-default}` in string values come from the environment, so secrets stay out of the file. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[], missing: ConfigIssue[]): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_RE, (_, name: string, fallback: string | undefined) => {
      const found = env[name] ?? fallback;
      if (found === undefined) missing.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
      return found ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, [...path, index], missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, [...path, key], missing)]));
  }
  return value;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '') || '(root)';
}

/** Adds the YAML line of each issue's path (or of its nearest existing parent). */
function withLines(issues: ConfigIssue[], doc: Document, lineCounter: LineCounter): ConfigIssue[] {
  return issues.map((issue) => {
    const parts = issue.path.match(/[^.[\]]+/g)?.map((part) => (/^\d+$/.test(part) ? Number(part) : part)) ?? [];
    for (let length = parts.length; length >= 0; length -= 1) {
      const node = doc.getIn(parts.slice(0, length), true);
      if (isNode(node) && node.range) return { ...issue, line: lineCounter.linePos(node.range[0]).line };
    }
    return issue;
  });
}
