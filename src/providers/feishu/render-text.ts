import type { MessageDoc } from '../api.js';
import { feishuIdOf, headline, neutralizeMentions, shrinkToFit } from './render-common.js';

/** Content of a msg_type 'text' message. */
export interface FeishuTextContent {
  text: string;
}

export type FeishuPostNode =
  | { tag: 'text'; text: string }
  | { tag: 'a'; text: string; href: string }
  | { tag: 'at'; user_id: string; user_name?: string };

/** Content of a msg_type 'post' message (custom bots wrap it as `content.post`). */
export interface FeishuPostContent {
  zh_cn: { title: string; content: FeishuPostNode[][] };
}

const POST_MAX_BYTES = 30 * 1024;
const TEXT_MAX_BYTES = 150 * 1024;
const ALL_NAME = '所有人';

/** Plain text with `<at user_id="ou_x">Name</at>` mentions; people without a Feishu id by name. */
export function renderFeishuText(doc: MessageDoc): FeishuTextContent {
  return shrinkToFit(doc, (d, truncated) => ({ text: textOf(d, truncated) }), TEXT_MAX_BYTES);
}

function textOf(doc: MessageDoc, truncated: boolean): string {
  const lines = [neutralizeMentions(headline(doc))];
  if (doc.summary) lines.push(neutralizeMentions(doc.summary));
  for (const f of doc.fields) lines.push(`${neutralizeMentions(f.label)}: ${neutralizeMentions(f.value)}`);
  if (doc.status) lines.push(`Status: ${neutralizeMentions(doc.status)}`);
  for (const l of doc.links) lines.push(`${neutralizeMentions(l.label)}: ${l.url}`);
  const view = doc.incidentUrl ?? doc.actions.find((a) => a.id === 'view')?.url;
  if (view && !doc.links.some((l) => l.url === view)) lines.push(view);
  const mentions = doc.mentions.map((m) => {
    if (m.kind === 'all') return `<at user_id="all">${ALL_NAME}</at>`;
    const id = feishuIdOf(m.chatIds);
    const name = escapeAttr(neutralizeMentions(m.name));
    return id ? `<at user_id="${escapeAttr(id)}">${name}</at>` : name;
  });
  if (mentions.length) lines.push(mentions.join(' '));
  if (doc.footer) lines.push(neutralizeMentions(doc.footer));
  if (truncated) lines.push('(cut to fit; open the incident for the full text)');
  return lines.join('\n');
}

/** Rich text, one paragraph per line; mentions as `{tag:'at'}` nodes. Used for digests and custom bots. */
export function renderFeishuPost(doc: MessageDoc, options: { maxBytes?: number } = {}): FeishuPostContent {
  return shrinkToFit(doc, postOf, options.maxBytes ?? POST_MAX_BYTES);
}

function postOf(doc: MessageDoc, truncated: boolean): FeishuPostContent {
  const text = (t: string): FeishuPostNode => ({ tag: 'text', text: t });
  const rows: FeishuPostNode[][] = [];
  if (doc.summary) rows.push([text(doc.summary)]);
  for (const f of doc.fields) rows.push([text(`${f.label}: ${f.value}`)]);
  if (doc.status) rows.push([text(`Status: ${doc.status}`)]);
  const links: FeishuPostNode[] = doc.links.map((l) => ({ tag: 'a', text: l.label, href: l.url }));
  const view = doc.actions.find((a) => a.id === 'view');
  const viewUrl = view?.url ?? doc.incidentUrl;
  if (viewUrl && !doc.links.some((l) => l.url === viewUrl)) links.push({ tag: 'a', text: view?.label ?? 'Open incident', href: viewUrl });
  if (links.length) rows.push(links.flatMap((node, i) => (i === 0 ? [node] : [text(' · '), node])));
  const mentions = doc.mentions.flatMap((m): FeishuPostNode[] => {
    if (m.kind === 'all') return [{ tag: 'at', user_id: 'all' }];
    const id = feishuIdOf(m.chatIds);
    return id ? [{ tag: 'at', user_id: id, user_name: m.name }] : [text(`${m.name} `)];
  });
  if (mentions.length) rows.push(mentions);
  if (doc.footer) rows.push([text(doc.footer)]);
  if (truncated) rows.push([text('(cut to fit; open the incident for the full text)')]);
  return { zh_cn: { title: headline(doc), content: rows } };
}

const escapeAttr = (value: string) => value.replace(/"/g, '&quot;');
