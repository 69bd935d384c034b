import { SEVERITY_STYLES } from '../../contracts/index.js';
import type { Mention, MessageAction, MessageDoc } from '../api.js';

/** A Block Kit block or element, as Slack's JSON has it (kept loose: we only build, never read). */
export type SlackBlock = { type: string } & Record<string, unknown>;

export interface SlackAttachment {
  color: string;
  fallback: string;
  blocks: SlackBlock[];
}

/** The arguments chat.postMessage and chat.update share. */
export interface SlackMessage {
  /** Notification and screen-reader text; Slack shows blocks instead when there are any. */
  text: string;
  blocks: SlackBlock[];
  attachments: SlackAttachment[];
}

/** Callback buttons carry this action_id prefix; inbound.ts acts only on these. */
export const ACTION_PREFIX = 'warroom:';
/** URL buttons still make Slack post block_actions; this id tells inbound.ts to ignore them. */
export const LINK_ACTION_ID = 'link:view';

// Block Kit limits (docs.slack.dev/reference/block-kit): header 150, section text 3000,
// a field 2000, ≤10 fields per section, button text 75.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const FIELDS_PER_SECTION = 10;
const BUTTON_MAX = 75;

// Statuses after which a button no longer makes sense (incident lifecycle, domain/incidents).
const UNACKNOWLEDGED = new Set(['triggered', 'detected']);
const FINISHED = new Set(['resolved', 'closed']);
const SLACK_ID = /^[A-Z0-9]{2,}$/;

/**
 * Pure: MessageDoc → Slack message. Blocks have no colour of their own, so the severity colour
 * comes from the usual trick: the body goes in blocks inside one attachment whose `color` paints
 * the bar. The header and the mentions stay top-level, because Slack shows top-level blocks
 * first and only notifies for mentions outside attachments.
 */
export function renderSlackBlocks(doc: MessageDoc): SlackMessage {
  const style = SEVERITY_STYLES[doc.severity];
  const headline = oneLine(`${style.emoji} [${doc.severity}] ${doc.incidentRef ? `${doc.incidentRef} ` : ''}${doc.title}`);
  const mentions = mentionText(doc.mentions);
  const text = `${escapedWithin(headline, HEADER_MAX * 2)}${mentions ? ` ${mentions}` : ''}`;

  const blocks: SlackBlock[] = [{ type: 'header', text: plain(truncate(headline, HEADER_MAX)) }];
  if (mentions) blocks.push(section(mentions));

  const body: SlackBlock[] = [];
  if (doc.summary) body.push(section(escapedWithin(doc.summary, SECTION_MAX)));
  for (let i = 0; i < doc.fields.length; i += FIELDS_PER_SECTION) {
    const fields = doc.fields.slice(i, i + FIELDS_PER_SECTION);
    body.push({ type: 'section', fields: fields.map((f) => mrkdwn(`*${escapedWithin(oneLine(f.label), 200)}*\n${escapedWithin(f.value, FIELD_MAX - 210)}`)) });
  }
  if (doc.links.length > 0) body.push(section(doc.links.map((l) => link(l.url, l.label)).join('  ·  ')));
  body.push({ type: 'context', elements: statusLine(doc).map(mrkdwn) });
  const buttons = actionButtons(doc);
  if (buttons.length > 0) body.push({ type: 'actions', elements: buttons });
  if (doc.footer) body.push({ type: 'context', elements: [mrkdwn(escapedWithin(doc.footer, SECTION_MAX))] });

  return { text, blocks, attachments: [{ color: style.hex, fallback: text, blocks: body }] };
}

/** Slack treats &, < and > as control characters in mrkdwn; user text must not make links or mentions. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Which buttons still apply: no ack once someone acknowledged, only "view" once it is over. */
export function applicableActions(doc: MessageDoc): MessageAction[] {
  const status = doc.status?.toLowerCase();
  const finished = doc.kind === 'resolved' || (status !== undefined && FINISHED.has(status));
  const seen = new Set<string>();
  return doc.actions.filter((action) => {
    if (seen.has(action.id)) return false;
    seen.add(action.id);
    if (finished) return action.id === 'view';
    if (action.id === 'ack') return status === undefined || UNACKNOWLEDGED.has(status);
    return true;
  });
}

function actionButtons(doc: MessageDoc): SlackBlock[] {
  return applicableActions(doc).flatMap((action): SlackBlock[] => {
    const text = plain(truncate(action.label, BUTTON_MAX));
    if (action.id === 'view') {
      const url = action.url ?? doc.incidentUrl;
      return url ? [{ type: 'button', action_id: LINK_ACTION_ID, text, url }] : [];
    }
    // A callback without an incident to act on would do nothing when clicked.
    if (!doc.incidentRef) return [];
    const button: SlackBlock = { type: 'button', action_id: `${ACTION_PREFIX}${action.id}`, text, value: doc.incidentRef };
    if (action.id === 'ack') button.style = 'danger';
    if (action.id === 'resolve') {
      button.style = 'primary';
      button.confirm = {
        title: plain('Resolve incident?'),
        text: plain(truncate(`${doc.incidentRef}: ${oneLine(doc.title)}`, 300)),
        confirm: plain('Resolve'),
        deny: plain('Cancel'),
      };
    }
    return [button];
  });
}

function statusLine(doc: MessageDoc): string[] {
  const style = SEVERITY_STYLES[doc.severity];
  const status = doc.status ?? (doc.kind === 'resolved' ? 'resolved' : undefined);
  const parts = [`*Severity:* ${doc.severity} ${style.label}`];
  if (status) parts.push(`*Status:* ${escapeMrkdwn(status)}`);
  return parts;
}

/** `<@U123>` for people Slack knows, `<!channel>` for everyone, a plain name for the rest. */
function mentionText(mentions: Mention[]): string {
  const parts = mentions.map((m) => {
    if (m.kind === 'all') return '<!channel>';
    const id = m.chatIds.slack;
    return id && SLACK_ID.test(id) ? `<@${id}>` : `@${escapeMrkdwn(m.name)}`;
  });
  // Stop at a whole mention rather than cut `<@U…>` in half at the section limit.
  let out = '';
  for (const part of new Set(parts)) {
    const next = out ? `${out} ${part}` : part;
    if (next.length > SECTION_MAX) break;
    out = next;
  }
  return out;
}

function link(url: string, label: string): string {
  // `|` and `>` end the URL part of <url|label>; encode rather than drop them.
  const safeUrl = escapeMrkdwn(url.replace(/\|/g, '%7C'));
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

const plain = (text: string) => ({ type: 'plain_text', text: text || ' ', emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(truncate(text, SECTION_MAX)) });
const oneLine = (value: string) => value.replace(/\s+/g, ' ').trim();

/** Escapes, then fits `max` characters without cutting an entity such as &amp; in half. */
function escapedWithin(raw: string, max: number): string {
  const full = escapeMrkdwn(raw);
  if (full.length <= max) return full;
  let out = '';
  for (const char of raw) {
    const piece = escapeMrkdwn(char);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/**
 * Fits `max` UTF-16 units (the stricter of the ways Slack might count) and cuts between code
 * points, so an emoji is never split.
 */
function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let out = '';
  for (const char of value) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
