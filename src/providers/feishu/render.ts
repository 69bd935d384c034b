import { SEVERITY_STYLES } from '../../contracts/index.js';
import type { MessageAction, MessageDoc } from '../api.js';
import { feishuIdOf, neutralizeMentions, headline, shrinkToFit } from './render-common.js';

export { renderFeishuPost, renderFeishuText, type FeishuPostContent, type FeishuTextContent } from './render-text.js';
export { feishuIdOf } from './render-common.js';

/** Feishu's limit for card and post bodies (reference §1.3). */
export const FEISHU_CARD_MAX_BYTES = 30 * 1024;

export type FeishuCardElement = Record<string, unknown>;

/** A v1 interactive card (reference §1.5); sent with msg_type 'interactive', content JSON.stringify(card). */
export interface FeishuCard {
  config: { wide_screen_mode: boolean; update_multi: boolean; enable_forward: boolean };
  header: { template: string; title: { tag: 'plain_text'; content: string } };
  elements: FeishuCardElement[];
}

export interface FeishuCardOptions {
  /** Custom bots have no callbacks: every button becomes a link (or is dropped when it has none). */
  linksOnly?: boolean;
  maxBytes?: number;
}

/** Statuses after which an incident can no longer be acknowledged (the lifecycle in ARCHITECTURE rule 2). */
const ACK_ALLOWED = new Set(['triggered', 'detected']);
const FINISHED = new Set(['resolved', 'closed']);

/**
 * Renders a MessageDoc as a Feishu card: coloured header per severity, summary and short fields,
 * links, @mentions, status, buttons that still apply, footer. `update_multi` makes an edit reach
 * everyone who sees the card, not just the person who clicked. Oversized docs are trimmed (with a
 * note) until the card fits the 30 KB limit.
 */
export function renderFeishuCard(doc: MessageDoc, options: FeishuCardOptions = {}): FeishuCard {
  const maxBytes = options.maxBytes ?? FEISHU_CARD_MAX_BYTES;
  return shrinkToFit(doc, (d, truncated) => buildCard(d, options, truncated), maxBytes);
}

function buildCard(doc: MessageDoc, options: FeishuCardOptions, truncated: boolean): FeishuCard {
  const style = SEVERITY_STYLES[doc.severity];
  const elements: FeishuCardElement[] = [];
  const fields = doc.fields.map((f) => ({ is_short: true, text: larkMd(`**${safe(f.label)}**\n${safe(f.value)}`) }));
  if (doc.summary || fields.length) {
    elements.push({ tag: 'div', ...(doc.summary ? { text: larkMd(safe(doc.summary)) } : {}), ...(fields.length ? { fields } : {}) });
  }
  if (doc.status) elements.push({ tag: 'div', text: larkMd(`**Status:** ${safe(doc.status)}`) });
  if (doc.links.length) {
    elements.push({ tag: 'div', text: larkMd(doc.links.map((l) => `[${safeLabel(l.label)}](${safeUrl(l.url)})`).join(' · ')) });
  }
  const mentions = mentionLine(doc);
  if (mentions) elements.push({ tag: 'div', text: larkMd(mentions) });
  const buttons = buttonsFor(doc, options.linksOnly ?? false);
  if (buttons.length) elements.push({ tag: 'hr' }, { tag: 'action', actions: buttons });
  const notes = [doc.footer, truncated ? 'Some details were cut to fit; open the incident for the full text.' : undefined].filter(Boolean);
  if (notes.length) elements.push({ tag: 'note', elements: notes.map((content) => ({ tag: 'plain_text', content })) });
  return {
    config: { wide_screen_mode: true, update_multi: true, enable_forward: true },
    header: { template: style.color, title: { tag: 'plain_text', content: headline(doc) } },
    elements,
  };
}

/** Card markdown mentions: `<at id=ou_x></at>`, `<at id=all></at>`; people without a Feishu id by name. */
function mentionLine(doc: MessageDoc): string {
  return doc.mentions
    .map((m) => {
      if (m.kind === 'all') return '<at id=all></at>';
      const id = feishuIdOf(m.chatIds);
      return id ? `<at id=${id}></at>` : safe(m.name);
    })
    .join(' ');
}

/** The actions that still make sense for the doc's status, as card buttons. */
export function applicableActions(doc: MessageDoc): MessageAction[] {
  const status = doc.status?.toLowerCase();
  const finished = doc.kind === 'resolved' || (status !== undefined && FINISHED.has(status));
  return doc.actions.filter((action) => {
    if (action.id === 'view') return true;
    if (finished) return false;
    if (action.id === 'ack') return status === undefined || ACK_ALLOWED.has(status);
    return true;
  });
}

function buttonsFor(doc: MessageDoc, linksOnly: boolean): FeishuCardElement[] {
  const buttons: FeishuCardElement[] = [];
  const seenUrls = new Set<string>();
  for (const action of applicableActions(doc)) {
    const text = { tag: 'plain_text', content: action.label };
    const url = action.url ?? (action.id === 'view' || linksOnly ? doc.incidentUrl : undefined);
    if (action.id === 'view' || linksOnly) {
      // Without callbacks every button opens the incident page; one button per destination is enough.
      if (!url || seenUrls.has(url)) continue;
      seenUrls.add(url);
      buttons.push({ tag: 'button', type: action.id === 'view' ? 'default' : buttonType(action.id), text, url });
      continue;
    }
    if (!doc.incidentRef) continue;
    buttons.push({
      tag: 'button',
      type: buttonType(action.id),
      text,
      value: { action: action.id, incident: doc.incidentRef },
      ...(action.id === 'resolve'
        ? { confirm: { title: { tag: 'plain_text', content: `Resolve ${doc.incidentRef}?` }, text: { tag: 'plain_text', content: doc.title.slice(0, 200) } } }
        : {}),
    });
  }
  return buttons;
}

function buttonType(id: MessageAction['id']): 'danger' | 'primary' | 'default' {
  if (id === 'ack') return 'danger';
  if (id === 'resolve') return 'primary';
  return 'default';
}

const larkMd = (content: string) => ({ tag: 'lark_md', content });
const safe = neutralizeMentions;
/** Link text cannot contain `]` and the URL cannot contain `)` or spaces without breaking the markdown link. */
const safeLabel = (label: string) => safe(label).replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')'));
const safeUrl = (url: string) => url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
