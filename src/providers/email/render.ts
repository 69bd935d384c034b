import type { MessageDoc } from '../api.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const KIND_EMOJI: Record<MessageDoc['kind'], string> = { page: '🚨', update: '🔄', resolved: '✅', digest: '📋' };
const KIND_LABEL: Record<MessageDoc['kind'], string> = { page: 'Page', update: 'Update', resolved: 'Resolved', digest: 'Digest' };
const SEVERITY_COLOR: Record<MessageDoc['severity'], string> = { P0: '#c0392b', P1: '#d35400', P2: '#b7950b', P3: '#2471a3' };

/** Pure: MessageDoc → subject, plain text and HTML. Email has no callbacks, so actions become links. */
export function renderEmail(doc: MessageDoc): RenderedEmail {
  const headline = `${doc.incidentRef ? `${doc.incidentRef} ` : ''}${oneLine(doc.title)}`;
  return {
    // Cut by code points so an emoji is never split; long subjects get truncated by clients anyway.
    subject: Array.from(`[${doc.severity}] ${KIND_EMOJI[doc.kind]} ${headline}`).slice(0, 200).join(''),
    text: renderText(doc, headline),
    html: renderHtml(doc, headline),
  };
}

function renderText(doc: MessageDoc, headline: string): string {
  const blocks: string[] = [`[${doc.severity}] ${KIND_LABEL[doc.kind]}: ${headline}`];
  if (doc.summary) blocks.push(doc.summary.trim());
  if (doc.fields.length) blocks.push(doc.fields.map((f) => `${f.label}: ${f.value}`).join('\n'));
  if (doc.links.length) blocks.push(['Links:', ...doc.links.map((l) => `- ${l.label}: ${l.url}`)].join('\n'));
  const actions = actionLinks(doc);
  if (actions.length) blocks.push(actions.map((a) => `${a.label}: ${a.url}`).join('\n'));
  if (doc.footer) blocks.push(`-- \n${doc.footer.trim()}`);
  return `${blocks.join('\n\n')}\n`;
}

function renderHtml(doc: MessageDoc, headline: string): string {
  const parts: string[] = [];
  parts.push(
    `<p style="margin:0 0 4px"><span style="background:${SEVERITY_COLOR[doc.severity]};color:#fff;padding:2px 6px;border-radius:3px;font-weight:bold">${doc.severity}</span> ${esc(KIND_LABEL[doc.kind])}</p>`,
  );
  parts.push(`<h2 style="margin:0 0 12px">${esc(headline)}</h2>`);
  if (doc.summary) parts.push(`<p>${multiline(doc.summary.trim())}</p>`);
  if (doc.fields.length) {
    const rows = doc.fields
      .map((f) => `<tr><th align="left" style="padding:2px 12px 2px 0">${esc(f.label)}</th><td>${multiline(f.value)}</td></tr>`)
      .join('\n');
    parts.push(`<table style="border-collapse:collapse;margin:0 0 12px">\n${rows}\n</table>`);
  }
  if (doc.links.length) parts.push(`<ul>${doc.links.map((l) => `<li>${link(l.label, l.url)}</li>`).join('')}</ul>`);
  const actions = actionLinks(doc);
  if (actions.length) parts.push(`<p>${actions.map((a) => link(a.label, a.url)).join(' &middot; ')}</p>`);
  if (doc.footer) parts.push(`<p style="color:#777;font-size:12px">${multiline(doc.footer.trim())}</p>`);
  // One block per line keeps the source readable in snapshots and in "show original".
  return `<!doctype html>\n<html><body style="font-family:sans-serif;font-size:14px">\n${parts.join('\n')}\n</body></html>\n`;
}

/** An action without its own URL falls back to the incident page, where the button lives. */
function actionLinks(doc: MessageDoc): { label: string; url: string }[] {
  return doc.actions.flatMap((a) => {
    const url = a.url ?? doc.incidentUrl;
    return url ? [{ label: a.label, url }] : [];
  });
}

// Only web and mail links become anchors; a javascript: or data: URL is shown as text.
function link(label: string, url: string): string {
  return /^(https?:|mailto:)/i.test(url) ? `<a href="${esc(url)}">${esc(label)}</a>` : `${esc(label)}: ${esc(url)}`;
}

function multiline(text: string): string {
  return esc(text).replace(/\r?\n/g, '<br>');
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
