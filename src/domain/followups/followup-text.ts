import { DateTime } from 'luxon';
import { isValidTimeZone } from './markdown-text.js';

/**
 * Pure parsing of the chat text that follows a "decision" or "action" command word, in Chinese
 * or English. It is forgiving: whatever it does not understand stays in the summary or title.
 */

export interface ParsedDecision {
  summary: string;
  rationale: string | null;
  alternatives: string[];
}

const RATIONALE_MARKER = /因为|由于|(?:原因|理由)\s*[:：]|\b(?:because|since)\b|\b(?:reason|why)\s*[:：]/i;
const ALTERNATIVES_MARKER = /(?:备选方案|备选|替代方案|其他方案)\s*[:：]?|\b(?:alternatives?|options?)\s*[:：]/i;
const LIST_SEPARATOR = /[;；,，、/]/;
const EDGE_PUNCTUATION = /^[\s;；,，、。.:：]+|[\s;；,，、。.:：]+$/g;

const tidy = (text: string): string => text.replace(/\s+/g, ' ').replace(EDGE_PUNCTUATION, '');

/** The first match of a marker that has some text before it (a leading "because" is not a marker). */
function findMarker(text: string, marker: RegExp): { start: number; end: number } | null {
  const global = new RegExp(marker.source, `${marker.flags.replace('g', '')}g`);
  for (const match of text.matchAll(global)) {
    if (tidy(text.slice(0, match.index))) return { start: match.index, end: match.index + match[0].length };
  }
  return null;
}

/**
 * "回滚到 v1.2 因为 v1.3 的连接池配置错误 备选: 扩容数据库; 关闭新功能" →
 * { summary: "回滚到 v1.2", rationale: "v1.3 的连接池配置错误", alternatives: ["扩容数据库", "关闭新功能"] }.
 * Returns null when there is nothing to record.
 */
export function parseDecisionText(text: string): ParsedDecision | null {
  const markers = [
    { kind: 'rationale' as const, at: findMarker(text, RATIONALE_MARKER) },
    { kind: 'alternatives' as const, at: findMarker(text, ALTERNATIVES_MARKER) },
  ]
    .filter((m): m is { kind: 'rationale' | 'alternatives'; at: { start: number; end: number } } => m.at !== null)
    .sort((a, b) => a.at.start - b.at.start);
  const summary = tidy(text.slice(0, markers[0]?.at.start ?? text.length));
  if (!summary) return null;
  let rationale: string | null = null;
  let alternatives: string[] = [];
  markers.forEach((marker, i) => {
    const part = text.slice(marker.at.end, markers[i + 1]?.at.start ?? text.length);
    if (marker.kind === 'rationale') rationale = tidy(part) || null;
    else alternatives = splitList(part);
  });
  return { summary, rationale, alternatives };
}

/** "扩容数据库; 关闭新功能" → ["扩容数据库", "关闭新功能"], on ; ； , ， 、 and /. */
export const splitList = (text: string): string[] => text.split(LIST_SEPARATOR).map(tidy).filter(Boolean);

export interface ParsedActionItem {
  title: string;
  /** The first mention: a platform id (ou_…, U…), a warroom user id or a name; resolve it with findUserByMention. */
  assignee: string | null;
  dueAt: Date | null;
  /** The words the due time was read from, as typed. */
  dueText: string | null;
}

export interface ParseOptions {
  now: Date;
  /** "Today" and "tomorrow" end at midnight here, and ISO times without an offset are read here. */
  timeZone?: string;
}

/**
 * "@alice 补充连接池监控 明天之前", "add pool alerts @bob by 2h", "修复配置 due 4h" → title, assignee
 * mention and due time. Returns null when no title is left.
 */
export function parseActionItemText(text: string, options: ParseOptions): ParsedActionItem | null {
  const zone = options.timeZone && isValidTimeZone(options.timeZone) ? options.timeZone : 'UTC';
  const mention = takeMention(text);
  const rest = mention ? mention.rest : text;
  const due = takeDue(rest, options.now, zone);
  const title = tidy(due ? due.rest : rest);
  if (!title) return null;
  return { title, assignee: mention?.id ?? null, dueAt: due?.at ?? null, dueText: due?.text ?? null };
}

const MENTION_PATTERNS: { re: RegExp; id: (m: RegExpExecArray) => string }[] = [
  // Feishu's raw form: <at user_id="ou_x">Name</at>
  { re: /<at\s[^>]*?(?:user_id|open_id|id)\s*=\s*"?([^"\s>]+)"?[^>]*>[^<]*<\/at>/i, id: (m) => m[1]! },
  // Slack's form: <@U123> or <@U123|name>
  { re: /<@([A-Z0-9]+)(?:\|[^>]*)?>/i, id: (m) => m[1]! },
  // Typed: @alice, @ou_x, @张三 (an ASCII id stops where other script begins: "@bob处理" is bob).
  { re: /(?<![A-Za-z0-9_.])@([A-Za-z0-9][A-Za-z0-9_.-]*|[^\s@,，:：;；、。A-Za-z0-9]+)/u, id: (m) => m[1]!.replace(/[.-]+$/, '') },
];

function takeMention(text: string): { id: string; rest: string } | null {
  const found = MENTION_PATTERNS.map((p) => ({ p, m: p.re.exec(text) }))
    .filter((f): f is { p: (typeof MENTION_PATTERNS)[number]; m: RegExpExecArray } => f.m !== null)
    .sort((a, b) => a.m.index - b.m.index)[0];
  if (!found) return null;
  const id = found.p.id(found.m);
  return { id, rest: cut(text, found.m.index, found.m.index + found.m[0].length) };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const unitOf = (unit: string): number => {
  const u = unit.toLowerCase();
  if (/^(?:个?小时|个?钟头|hours?|hrs?|h)$/.test(u)) return UNIT_MS.h!;
  if (/^(?:分钟|分|minutes?|mins?|m)$/.test(u)) return UNIT_MS.m!;
  if (/^(?:天|日|days?|d)$/.test(u)) return UNIT_MS.d!;
  return UNIT_MS.w!;
};

const EN_UNITS = 'hours?|hrs?|h|minutes?|mins?|m|days?|d|weeks?|w';
const ZH_UNITS = '个?小时|个?钟头|分钟|分|天|日|周|个?星期|h|m|d|w';
const AMOUNT = String.raw`\d+(?:\.\d+)?`;

type DueReader = { re: RegExp; read: (m: RegExpExecArray, now: Date, zone: string) => Date | null };

const DUE_READERS: DueReader[] = [
  // An ISO time or date, optionally after by/due/before/截止 and before 之前/前.
  {
    re: /(?:(?:\b(?:by|due|before|until)|截止(?:到)?)\s*)?(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2})?)(Z|[+-]\d{2}:?\d{2})?)?(?:\s*(?:之前|以前|前))?/i,
    read: (m, _now, zone) => {
      const [, date, time, offset] = m;
      if (!time) {
        const day = DateTime.fromISO(date!, { zone });
        return day.isValid ? day.endOf('day').toJSDate() : null;
      }
      const at = DateTime.fromISO(`${date}T${time.padStart(5, '0')}${offset ?? ''}`, { zone });
      return at.isValid ? at.toJSDate() : null;
    },
  },
  // English relative: "by 2h", "due 4h", "due in 30m", "within 1h30m", "in 3 days".
  {
    re: new RegExp(String.raw`\b(?:by|due(?:\s+in)?|in|within)\s+((?:${AMOUNT}\s*(?:${EN_UNITS})\s*)+)(?![\p{L}\p{N}])`, 'iu'),
    read: (m, now) => relative(m[1]!, EN_UNITS, now),
  },
  // Chinese relative: "2小时内", "30分钟以内", "截止 3天内", "2h内".
  {
    re: new RegExp(String.raw`(?:截止(?:到)?\s*)?(${AMOUNT})\s*(${ZH_UNITS})\s*(?:之内|以内|内)`, 'iu'),
    read: (m, now) => new Date(now.getTime() + Number(m[1]) * unitOf(m[2]!)),
  },
  // English days: "by tomorrow", "due today", "before EOD", or a bare "tomorrow" ending the text.
  {
    re: /\b(?:by|due|before|until)\s+(?:the\s+)?(today|tonight|tomorrow|eod|end\s+of\s+(?:the\s+)?day)\b|\b(today|tonight|tomorrow|eod)\s*$/i,
    read: (m, now, zone) => endOfDay(now, zone, /^tomorrow$/i.test(m[1] ?? m[2]!) ? 1 : 0),
  },
  // Chinese days: "明天之前", "今天下班前", "截止明天", or a bare "明天" ending the text.
  {
    re: /截止(?:到)?\s*(今天|今日|明天|明日|后天)(?:下班)?(?:之前|以前|前)?|(今天|今日|明天|明日|后天)\s*(?:下班|结束)?\s*(?:之前|以前|前|之内|以内|内)|(今天|今日|明天|明日|后天)\s*$/,
    read: (m, now, zone) => {
      const word = m[1] ?? m[2] ?? m[3]!;
      return endOfDay(now, zone, word.startsWith('今') ? 0 : word === '后天' ? 2 : 1);
    },
  },
];

function relative(text: string, units: string, now: Date): Date | null {
  const parts = [...text.matchAll(new RegExp(String.raw`(${AMOUNT})\s*(${units})`, 'giu'))];
  const ms = parts.reduce((total, p) => total + Number(p[1]) * unitOf(p[2]!), 0);
  return ms > 0 ? new Date(now.getTime() + ms) : null;
}

const endOfDay = (now: Date, zone: string, plusDays: number): Date =>
  DateTime.fromJSDate(now, { zone }).plus({ days: plusDays }).endOf('day').toJSDate();

function takeDue(text: string, now: Date, zone: string): { at: Date; text: string; rest: string } | null {
  for (const reader of DUE_READERS) {
    const m = reader.re.exec(text);
    if (!m) continue;
    const at = reader.read(m, now, zone);
    if (!at) continue;
    return { at, text: m[0].trim(), rest: cut(text, m.index, m.index + m[0].length) };
  }
  return null;
}

/** The text without [start, end): a space keeps words apart, but Chinese closes up ("请@bob处理" → "请处理"). */
function cut(text: string, start: number, end: number): string {
  const left = text.slice(0, start);
  const right = text.slice(end);
  const han = /\p{Script=Han}/u;
  return han.test(left.slice(-1)) && han.test(right.slice(0, 1)) ? left + right : `${left} ${right}`;
}
