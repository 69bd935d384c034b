import { isSeverity, type Category, type Severity } from '../../kernel/index.js';
import type { ClassificationConfig, ClassificationRuleConfig } from '../../contracts/index.js';
import { DEFAULT_RESPONSE_SLA_MS } from '../incidents/index.js';
import { DEFAULT_RULES, DEFAULT_SEVERITY_MAP } from './default-classification.js';

export interface ClassifyInput {
  serviceId: string;
  title: string;
  description: string | null;
  labels: Record<string, string>;
  sourceSeverity: string | null;
}

export interface Classification {
  severity: Severity;
  category: Category;
  responseSlaMs: number;
  /** The rules that set something, in order, so people can see why. */
  matchedRules: string[];
}

const CJK_RE = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Splits "HostOutOfMemory disk_usage high" into words: camelCase, snake_case and punctuation. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** English keywords match whole words (plurals allowed), phrases match word runs, CJK matches substrings. */
export function keywordMatches(keyword: string, text: string, joinedWords: string): boolean {
  return compileKeyword(keyword).matches({ lowerText: text.toLowerCase(), joinedWords, wordSet: new Set(joinedWords.trim().split(' ')) });
}

interface AlertText {
  lowerText: string;
  /** The words, space-separated with a space at each end, for phrase lookups. */
  joinedWords: string;
  wordSet: Set<string>;
}

interface CompiledKeyword {
  matches(text: AlertText): boolean;
}

/** Keywords are split once per config, not once per alert: ingest classifies thousands a second. */
function compileKeyword(keyword: string): CompiledKeyword {
  const kw = keyword.toLowerCase();
  if (CJK_RE.test(kw)) return { matches: (t) => t.lowerText.includes(kw) };
  const phrase = words(kw).join(' ');
  if (!phrase) return { matches: () => false };
  const forms = [phrase, `${phrase}s`, `${phrase}es`];
  if (!phrase.includes(' ')) return { matches: (t) => forms.some((form) => t.wordSet.has(form)) };
  const padded = forms.map((form) => ` ${form} `);
  return { matches: (t) => padded.some((form) => t.joinedWords.includes(form)) };
}

interface CompiledRule {
  rule: ClassificationRuleConfig;
  keywords: CompiledKeyword[] | null;
}

const compiledRules = new WeakMap<ClassificationRuleConfig[], CompiledRule[]>();

function compile(rules: ClassificationRuleConfig[]): CompiledRule[] {
  let compiled = compiledRules.get(rules);
  if (!compiled) {
    compiled = rules.map((rule) => ({ rule, keywords: rule.when.keywords ? rule.when.keywords.map(compileKeyword) : null }));
    compiledRules.set(rules, compiled);
  }
  return compiled;
}

function ruleMatches(compiled: CompiledRule, input: ClassifyInput, text: AlertText, sourceSeverity: Severity | null): boolean {
  const { labels, services, severities } = compiled.rule.when;
  if (services && !services.includes(input.serviceId)) return false;
  if (severities && (!sourceSeverity || !severities.includes(sourceSeverity))) return false;
  if (labels) {
    for (const [name, expected] of Object.entries(labels)) {
      const actual = input.labels[name];
      if (actual === undefined || actual.toLowerCase() !== expected.toLowerCase()) return false;
    }
  }
  if (compiled.keywords && !compiled.keywords.some((keyword) => keyword.matches(text))) return false;
  return true;
}

/** Pure: the same input and config always classify the same way. */
export function classifyAlert(input: ClassifyInput, config: ClassificationConfig): Classification {
  const raw = [input.labels.alertname ?? '', input.title, input.description ?? ''].join(' \n ');
  const alertWords = words(raw);
  const text: AlertText = { lowerText: raw.toLowerCase(), joinedWords: ` ${alertWords.join(' ')} `, wordSet: new Set(alertWords) };
  const rules = compile(config.rules ?? DEFAULT_RULES);
  let severity: Severity | undefined;
  let category: Category | undefined;
  let ruleSlaMs: number | undefined;
  const matchedRules: string[] = [];
  const sourceSeverity = mapSourceSeverity(input.sourceSeverity, config);
  for (const compiled of rules) {
    const { rule } = compiled;
    if (severity && category && ruleSlaMs !== undefined) break;
    if (!ruleMatches(compiled, input, text, sourceSeverity)) continue;
    let used = false;
    if (!severity && rule.severity) [severity, used] = [rule.severity, true];
    if (!category && rule.category) [category, used] = [rule.category, true];
    if (ruleSlaMs === undefined && rule.response_sla !== undefined) [ruleSlaMs, used] = [rule.response_sla, true];
    if (used) matchedRules.push(rule.name);
  }
  const finalSeverity = severity ?? sourceSeverity ?? config.default_severity;
  const severitySla = config.response_sla?.[finalSeverity] ?? DEFAULT_RESPONSE_SLA_MS[finalSeverity];
  return {
    severity: finalSeverity,
    category: category ?? config.default_category,
    // A category's SLA never loosens what the severity demands.
    responseSlaMs: Math.min(ruleSlaMs ?? severitySla, severitySla),
    matchedRules,
  };
}

export function mapSourceSeverity(word: string | null, config: ClassificationConfig): Severity | null {
  if (!word) return null;
  const trimmed = word.trim();
  if (isSeverity(trimmed.toUpperCase())) return trimmed.toUpperCase() as Severity;
  const key = trimmed.toLowerCase();
  const configured = Object.entries(config.severity_map ?? {}).find(([word]) => word.trim().toLowerCase() === key)?.[1];
  return configured ?? DEFAULT_SEVERITY_MAP[key] ?? null;
}
