import { createHash } from 'node:crypto';
import { SEVERITY_STYLES } from '../../contracts/index.js';
import type { Mention, MessageAction, MessageDoc } from '../api.js';
import { mainlandMobile } from '../mainland-mobile.js';

/** Who a robot message @-mentions. DingTalk renders the @ only when the text also holds "@id". */
export interface DingtalkAt {
  atUserIds: string[];
  atMobiles: string[];
  isAtAll: boolean;
}

export interface DingtalkButton {
  title: string;
  actionURL: string;
}

/** The custom-robot bodies warroom sends (link and feedCard are not used). */
export type DingtalkRobotBody =
  | { msgtype: 'text'; text: { content: string }; at: DingtalkAt }
  | { msgtype: 'markdown'; markdown: { title: string; text: string }; at: DingtalkAt }
  | { msgtype: 'actionCard'; actionCard: { title: string; text: string; btnOrientation: '0' | '1'; btns: DingtalkButton[] } };

export interface DingtalkRenderOptions {
  /** Extra people to @ besides doc.mentions (the person being paged). */
  atUserIds?: string[];
  atMobiles?: string[];
  /** The robot's security keyword; added to the text when it is not already there. */
  keyword?: string;
}

/** DingTalk's documented cap is 20 KB per message; stay a little under it. */
export const DINGTALK_BODY_LIMIT_BYTES = 20_000;
const TRUNCATION_NOTE = '…(truncated; open the incident for the rest)';
const TITLE_MAX_CHARS = 128;
const OPEN_STATUSES = new Set(['triggered', 'detected']);
const CLOSED_STATUSES = new Set(['resolved', 'closed']);

/**
 * Pure: MessageDoc → robot body. Robot buttons can only open URLs and an actionCard cannot @
 * anyone, so: a doc that mentions someone (or is paging someone) becomes markdown with @ tokens and
 * its actions as links; otherwise an actionCard with one button per action that has a URL; and
 * markdown again when no button is left.
 */
export function renderDingtalkMessage(doc: MessageDoc, options: DingtalkRenderOptions = {}): DingtalkRobotBody {
  const at = atOf(doc.mentions, options);
  const title = cut(oneLine(`${SEVERITY_STYLES[doc.severity].emoji} [${doc.severity}] ${doc.incidentRef ? `${doc.incidentRef} ` : ''}${doc.title}`), TITLE_MAX_CHARS);
  const buttons = buttonsFor(doc);
  const atSomeone = at.isAtAll || at.atUserIds.length > 0 || at.atMobiles.length > 0;
  if (!atSomeone && buttons.length > 0) {
    const btnOrientation = buttons.length <= 3 ? '1' : '0';
    return fitted(composeText(doc, { actionLinks: [], tokens: [], keyword: options.keyword }), (text) => ({
      msgtype: 'actionCard',
      actionCard: { title, text, btnOrientation, btns: buttons },
    }));
  }
  const tokens = [...at.atUserIds, ...at.atMobiles].map((id) => `@${id}`);
  return fitted(composeText(doc, { actionLinks: buttons, tokens, keyword: options.keyword }), (text) => ({
    msgtype: 'markdown',
    markdown: { title, text },
    at,
  }));
}

/** A short plain notice (a command reply, a reminder), with the @ tokens DingTalk needs. */
export function renderDingtalkText(content: string, options: DingtalkRenderOptions & { isAtAll?: boolean } = {}): DingtalkRobotBody {
  const at: DingtalkAt = { atUserIds: unique(options.atUserIds ?? []), atMobiles: unique(options.atMobiles ?? []), isAtAll: options.isAtAll ?? false };
  const tokens = [...at.atUserIds, ...at.atMobiles].map((id) => `@${id}`);
  const parts: TextParts = { head: content.trim(), middle: '', tail: [tokens.join(' ')], keyword: keywordLine(content, options.keyword) };
  return fitted(parts, (text) => ({ msgtype: 'text', text: { content: text }, at }), '\n');
}

/** Doc mentions plus explicit ids: a DingTalk user id when known, otherwise the mobile number. */
export function atOf(mentions: Mention[], options: Pick<DingtalkRenderOptions, 'atUserIds' | 'atMobiles'> = {}): DingtalkAt {
  const atUserIds = [...(options.atUserIds ?? [])];
  const atMobiles = [...(options.atMobiles ?? [])];
  let isAtAll = false;
  for (const mention of mentions) {
    if (mention.kind === 'all') {
      isAtAll = true;
      continue;
    }
    const userId = mention.chatIds.dingtalk;
    const mobile = mention.phone ? dingtalkMobile(mention.phone) : null;
    if (userId) atUserIds.push(userId);
    else if (mobile) atMobiles.push(mobile);
  }
  return { atUserIds: unique(atUserIds), atMobiles: unique(atMobiles), isAtAll };
}

/** See mainlandMobile: the form this platform matches mentions against. */
export const dingtalkMobile = mainlandMobile;

/**
 * DingTalk robots do not dedup, so a short marker derived from the idempotency key goes in the
 * footer: a resend shows the same marker, and people (and tests) can recognise it.
 */
export function idempotencyMarker(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 8);
}

export function withIdempotencyMarker(doc: MessageDoc, idempotencyKey: string): MessageDoc {
  const marker = `ref ${idempotencyMarker(idempotencyKey)}`;
  return { ...doc, footer: doc.footer ? `${doc.footer} · ${marker}` : marker };
}

interface TextParts {
  head: string;
  /** The part that gives way when the body is too large. */
  middle: string;
  tail: string[];
  /** Never cut: without it the robot refuses the message. */
  keyword: string;
}

function composeText(doc: MessageDoc, extra: { actionLinks: DingtalkButton[]; tokens: string[]; keyword: string | undefined }): TextParts {
  const style = SEVERITY_STYLES[doc.severity];
  const ref = doc.incidentRef ? `${doc.incidentRef} ` : '';
  const head = `### <font color="${style.hex}">${style.emoji} [${doc.severity}]</font> ${ref}${cut(oneLine(doc.title), 500)}`;
  const middle: string[] = [];
  if (doc.summary?.trim()) middle.push(doc.summary.trim());
  if (doc.fields.length) middle.push(doc.fields.map((f) => `- **${oneLine(f.label)}**: ${oneLine(f.value)}`).join('\n'));
  const tail: string[] = [];
  if (doc.status) tail.push(`**Status**: ${oneLine(doc.status)}`);
  const links = [
    ...(doc.incidentUrl && isWebUrl(doc.incidentUrl) ? [{ label: `Open ${doc.incidentRef ?? 'incident'}`, url: doc.incidentUrl }] : []),
    ...doc.links,
  ];
  const linkLine = links.map((l) => mdLink(l.label, l.url)).join(' · ');
  if (linkLine) tail.push(linkLine);
  if (extra.actionLinks.length) tail.push(extra.actionLinks.map((b) => `[${label(b.title)}](${b.actionURL})`).join(' · '));
  if (extra.tokens.length) tail.push(extra.tokens.join(' '));
  if (doc.footer?.trim()) tail.push(`<font color="#8C8C8C">${oneLine(doc.footer)}</font>`);
  // Checked against what is never truncated, so a keyword that only the summary held cannot be cut away.
  const keyword = keywordLine([head, ...tail].join('\n'), extra.keyword);
  return { head, middle: middle.join('\n\n'), tail, keyword };
}

/** Every action with a web URL that still applies at the doc's status; ack only while nobody has. */
function buttonsFor(doc: MessageDoc): DingtalkButton[] {
  const closed = (doc.status !== undefined && CLOSED_STATUSES.has(doc.status)) || doc.kind === 'resolved';
  const acked = doc.status !== undefined && !OPEN_STATUSES.has(doc.status);
  const applies = (action: MessageAction) => action.id === 'view' || (!closed && !(action.id === 'ack' && acked));
  return doc.actions
    .filter((action): action is MessageAction & { url: string } => action.url !== undefined && isWebUrl(action.url) && applies(action))
    .map((action) => ({ title: action.label, actionURL: action.url }));
}

/**
 * Builds the body and, when it is over the limit, shortens the middle (then everything) by code
 * points until it fits, so an emoji or a Chinese character is never split.
 */
function fitted<B extends DingtalkRobotBody>(parts: TextParts, build: (text: string) => B, separator = '\n\n'): B {
  const join = (...blocks: string[]) => blocks.filter(Boolean).join(separator);
  const whole = build(join(parts.head, parts.middle, ...parts.tail, parts.keyword));
  if (byteSize(whole) <= DINGTALK_BODY_LIMIT_BYTES) return whole;
  const middle = Array.from(parts.middle);
  const withMiddle = (n: number) => build(join(parts.head, `${middle.slice(0, n).join('')}${TRUNCATION_NOTE}`, ...parts.tail, parts.keyword));
  if (byteSize(withMiddle(0)) <= DINGTALK_BODY_LIMIT_BYTES) return withMiddle(largestFitting(middle.length, withMiddle));
  // Only a huge tail (hundreds of links) gets here: cut everything but the keyword.
  const all = Array.from(join(parts.head, ...parts.tail));
  const withAll = (n: number) => build(join(`${all.slice(0, n).join('')}${TRUNCATION_NOTE}`, parts.keyword));
  return withAll(largestFitting(all.length, withAll));
}

function largestFitting(max: number, build: (n: number) => DingtalkRobotBody): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (byteSize(build(mid)) <= DINGTALK_BODY_LIMIT_BYTES) low = mid;
    else high = mid - 1;
  }
  return low;
}

function keywordLine(text: string, keyword: string | undefined): string {
  return keyword && !text.includes(keyword) ? keyword : '';
}

function byteSize(body: DingtalkRobotBody): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

// Only web links become markdown links; anything else (javascript:, data:) is shown as text.
function mdLink(text: string, url: string): string {
  return isWebUrl(url) ? `[${label(text)}](${url.replace(/[()\s]/g, encodeURIComponent)})` : `${label(text)}: ${url}`;
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\/\S+$/i.test(url);
}

// Brackets inside a label would end the link early.
function label(text: string): string {
  return oneLine(text).replace(/\[/g, '(').replace(/\]/g, ')');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))];
}
