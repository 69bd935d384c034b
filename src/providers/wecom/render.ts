import { SEVERITY_STYLES } from '../../contracts/index.js';
import type { Severity } from '../../kernel/index.js';
import type { Mention, MessageDoc } from '../api.js';
import { mainlandMobile } from '../mainland-mobile.js';

/**
 * Pure: MessageDoc → WeCom message bodies (document path 91770 for robots, 90236 for app messages).
 *
 * Which format (renderWecomMessage):
 * - mentions present → `text`, because only text carries mentioned_list / mentioned_mobile_list
 *   that really notify people (markdown @ support is doubtful, and it cannot @all);
 * - a page to a robot, or anything to a person through the app → `template_card` (text_notice),
 *   when there is a URL for its required card_action;
 * - everything else (updates, digests, appchat rooms, docs without a URL) → `markdown`.
 * Robot cards cannot call back, so actions always render as links (to their URL or the incident).
 */

export const TEXT_MAX_BYTES = 2048;
export const ROBOT_MARKDOWN_MAX_BYTES = 4096;
/** [U] App (message/send, appchat/send) markdown is documented at 2048 bytes, robots at 4096. */
export const APP_MARKDOWN_MAX_BYTES = 2048;
export const CARD_MAX_FIELDS = 6;
export const CARD_MAX_JUMPS = 3;
export const TRUNCATION_NOTE = '…(内容过长，已截断 truncated)';

export interface WecomTextPayload {
  content: string;
  mentioned_list?: string[];
  mentioned_mobile_list?: string[];
}

export interface WecomTemplateCard {
  card_type: 'text_notice';
  source: { desc: string; desc_color: 0 | 1 | 2 | 3 };
  main_title: { title: string; desc?: string };
  emphasis_content: { title: string; desc: string };
  sub_title_text?: string;
  horizontal_content_list: { keyname: string; value: string }[];
  jump_list: { type: 1; title: string; url: string }[];
  card_action: { type: 1; url: string };
}

export type WecomMessage =
  | { msgtype: 'text'; text: WecomTextPayload }
  | { msgtype: 'markdown'; markdown: { content: string } }
  | { msgtype: 'template_card'; template_card: WecomTemplateCard };

/** robot: a group robot webhook; user: app message/send to a person; appchat: an app group chat. */
export type WecomDestination = 'robot' | 'user' | 'appchat';

export interface WecomRenderOptions {
  /** A short, visible trace of the idempotency key (see index.ts); shown small at the end. */
  marker?: string;
  maxBytes?: number;
}

const FONT_COLOR: Record<Severity, 'warning' | 'comment' | 'info'> = { P0: 'warning', P1: 'warning', P2: 'comment', P3: 'info' };
/** Card source colours: 0 grey, 1 black, 2 red, 3 green. */
const SOURCE_COLOR: Record<Severity, 0 | 1 | 2> = { P0: 2, P1: 2, P2: 1, P3: 0 };
const FINISHED = new Set(['resolved', 'closed']);

export function renderWecomMessage(
  doc: MessageDoc,
  destination: WecomDestination,
  options: WecomRenderOptions & { mentions?: Mention[] } = {},
): WecomMessage {
  const mentions = options.mentions ?? doc.mentions;
  if (destination === 'robot' && mentions.length > 0) return { msgtype: 'text', text: renderWecomText(doc, mentions, options) };
  if (destination === 'user' || (destination === 'robot' && doc.kind === 'page')) {
    const card = renderWecomTemplateCard(doc, options);
    if (card) return { msgtype: 'template_card', template_card: card };
  }
  const maxBytes = destination === 'robot' ? ROBOT_MARKDOWN_MAX_BYTES : APP_MARKDOWN_MAX_BYTES;
  return { msgtype: 'markdown', markdown: { content: renderWecomMarkdown(doc, { maxBytes, ...options }) } };
}

/** Markdown with WeCom's three font colours: P0/P1 warning (orange-red), P2 comment (grey), P3 info (green). */
export function renderWecomMarkdown(doc: MessageDoc, options: WecomRenderOptions = {}): string {
  const style = SEVERITY_STYLES[doc.severity];
  const before = [
    `${style.emoji} **${headline(doc)}**`,
    `<font color="${FONT_COLOR[doc.severity]}">${severityLabel(doc)}</font>${doc.status ? ` · 状态: ${doc.status}` : ''}`,
  ];
  const links = [...doc.links, ...actionLinks(doc)].map((link) => `[${linkText(link.label)}](${link.url})`);
  const names = doc.mentions.map((m) => (m.kind === 'all' ? '@所有人' : `@${m.name}`));
  const after = [
    doc.fields.map((f) => `> ${f.label}: ${f.value}`).join('\n'),
    links.join(' · '),
    names.length > 0 ? names.join(' ') : '',
    smallPrint(doc, options.marker, (text) => `<font color="comment">${text}</font>`),
  ];
  return fitWithin(before, doc.summary, after, '\n\n', options.maxBytes ?? ROBOT_MARKDOWN_MAX_BYTES);
}

/** Plain text plus the mention lists: userids from chatIds.wecom, else the phone; {kind:'all'} is '@all'. */
export function renderWecomText(doc: MessageDoc, mentions: Mention[] = doc.mentions, options: WecomRenderOptions = {}): WecomTextPayload {
  const style = SEVERITY_STYLES[doc.severity];
  const before = [`${style.emoji} ${headline(doc)}`, `${severityLabel(doc)}${doc.status ? ` · 状态: ${doc.status}` : ''}`];
  const after = [
    doc.fields.map((f) => `${f.label}: ${f.value}`).join('\n'),
    [...doc.links, ...actionLinks(doc)].map((link) => `${link.label}: ${link.url}`).join('\n'),
    smallPrint(doc, options.marker, (text) => text),
  ];
  const userIds = new Set<string>();
  const mobiles = new Set<string>();
  for (const mention of mentions) {
    if (mention.kind === 'all') userIds.add('@all');
    else if (mention.chatIds.wecom) userIds.add(mention.chatIds.wecom);
    else if (mention.phone) {
      const mobile = wecomMobile(mention.phone);
      if (mobile) mobiles.add(mobile);
    }
  }
  return {
    content: fitWithin(before, doc.summary, after, '\n', options.maxBytes ?? TEXT_MAX_BYTES),
    ...(userIds.size > 0 ? { mentioned_list: [...userIds] } : {}),
    ...(mobiles.size > 0 ? { mentioned_mobile_list: [...mobiles] } : {}),
  };
}

/** See mainlandMobile: the form this platform matches mentions against. */
export const wecomMobile = mainlandMobile;

/**
 * A text_notice card; null when the doc has no URL for the required card_action. Lengths follow
 * WeCom's advice (title ~26, sub_title ~160 characters) loosely; the hard limits are the list
 * caps: at most 6 fields and 3 jumps.
 */
export function renderWecomTemplateCard(doc: MessageDoc, options: WecomRenderOptions = {}): WecomTemplateCard | null {
  const jumps = [...actionLinks(doc), ...doc.links];
  const cardUrl = doc.incidentUrl ?? jumps[0]?.url;
  if (!cardUrl) return null;
  const style = SEVERITY_STYLES[doc.severity];
  const summary = doc.summary ? cutChars(doc.summary, 160) : undefined;
  return {
    card_type: 'text_notice',
    source: { desc: options.marker ? `warroom · ${options.marker}` : 'warroom', desc_color: SOURCE_COLOR[doc.severity] },
    main_title: { title: cutChars(`${style.emoji} ${headline(doc)}`, 64), ...(doc.status ? { desc: `状态: ${cutChars(doc.status, 30)}` } : {}) },
    emphasis_content: { title: doc.severity, desc: `${style.labelZh} ${style.label}` },
    ...(summary ? { sub_title_text: summary } : {}),
    horizontal_content_list: doc.fields.slice(0, CARD_MAX_FIELDS).map((f) => ({ keyname: cutChars(f.label, 16), value: cutChars(f.value, 64) })),
    jump_list: jumps.slice(0, CARD_MAX_JUMPS).map((j) => ({ type: 1 as const, title: cutChars(j.label, 16), url: j.url })),
    card_action: { type: 1, url: cardUrl },
  };
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** ack/resolve/escalate make no sense once the incident is over; only links to look remain. */
function actionLinks(doc: MessageDoc): { label: string; url: string }[] {
  const finished = doc.status !== undefined && FINISHED.has(doc.status);
  return doc.actions
    .filter((action) => !finished || action.id === 'view')
    .flatMap((action) => {
      const url = action.url ?? doc.incidentUrl;
      return url ? [{ label: action.label, url }] : [];
    });
}

const headline = (doc: MessageDoc): string => [`[${doc.severity}]`, doc.incidentRef, doc.title].filter(Boolean).join(' ');
const severityLabel = (doc: MessageDoc): string => `${doc.severity} ${SEVERITY_STYLES[doc.severity].labelZh} ${SEVERITY_STYLES[doc.severity].label}`;
// Square brackets would end the link text early.
const linkText = (label: string): string => label.replace(/[[\]]/g, '');

function smallPrint(doc: MessageDoc, marker: string | undefined, wrap: (text: string) => string): string {
  const parts = [doc.footer, marker ? `ref ${marker}` : undefined].filter(Boolean);
  return parts.length > 0 ? wrap(parts.join(' · ')) : '';
}

/**
 * Joins the parts and keeps the result within maxBytes (UTF-8): the summary is the free text that
 * gives way first, cut on a code-point boundary and followed by the truncation note; only if the
 * fixed parts alone overflow is the whole message cut.
 */
function fitWithin(before: string[], flexible: string | undefined, after: string[], separator: string, maxBytes: number): string {
  const join = (parts: (string | undefined)[]) => parts.filter((part): part is string => Boolean(part)).join(separator);
  const full = join([...before, flexible, ...after]);
  if (utf8Bytes(full) <= maxBytes) return full;
  const room = maxBytes - (utf8Bytes(join([...before, 'x', ...after])) - 1) - utf8Bytes(TRUNCATION_NOTE);
  if (flexible && room > 0) {
    const fitted = join([...before, `${cutBytes(flexible, room)}${TRUNCATION_NOTE}`, ...after]);
    if (utf8Bytes(fitted) <= maxBytes) return fitted;
  }
  return `${cutBytes(full, maxBytes - utf8Bytes(TRUNCATION_NOTE) - 1)}\n${TRUNCATION_NOTE}`;
}

function cutBytes(text: string, maxBytes: number): string {
  let used = 0;
  let out = '';
  for (const char of text) {
    used += utf8Bytes(char);
    if (used > maxBytes) break;
    out += char;
  }
  return out.trimEnd();
}

function cutChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
