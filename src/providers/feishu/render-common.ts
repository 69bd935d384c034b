import { SEVERITY_STYLES } from '../../contracts/index.js';
import type { MessageDoc } from '../api.js';

/** A person's Feishu id: the `feishu` chat id, or the `lark` one for Lark tenants. */
export function feishuIdOf(chatIds: Record<string, string>): string | undefined {
  return chatIds.feishu ?? chatIds.lark;
}

/**
 * Alert text is untrusted: an `<at id=all>` inside a summary would @everyone. Break the tag
 * with a look-alike angle bracket so it shows as text and never mentions anybody.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/<(\/?\s*at\b)/gi, '‹$1');
}

/** `🚨 [P0] INC-12 Database down`: emoji, severity and reference first, so a glance is enough. */
export function headline(doc: MessageDoc): string {
  const style = SEVERITY_STYLES[doc.severity];
  return [style.emoji, `[${doc.severity}]`, doc.incidentRef, doc.title].filter(Boolean).join(' ');
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Ever harder trims of a doc, tried in order until the rendered form fits. */
const SHRINK_STEPS: ((doc: MessageDoc) => MessageDoc)[] = [
  (doc) => ({
    ...doc,
    title: cut(doc.title, 200),
    ...(doc.summary ? { summary: cut(doc.summary, 2000) } : {}),
    ...(doc.footer ? { footer: cut(doc.footer, 300) } : {}),
    fields: doc.fields.map((f) => ({ label: cut(f.label, 100), value: cut(f.value, 500) })),
    links: doc.links.slice(0, 10).map((l) => ({ label: cut(l.label, 100), url: l.url })),
  }),
  (doc) => ({
    ...doc,
    ...(doc.summary ? { summary: cut(doc.summary, 500) } : {}),
    fields: doc.fields.slice(0, 20).map((f) => ({ label: f.label, value: cut(f.value, 200) })),
    mentions: doc.mentions.slice(0, 50),
  }),
  (doc) => ({ ...doc, fields: doc.fields.slice(0, 5), links: doc.links.slice(0, 3), mentions: doc.mentions.slice(0, 20) }),
  (doc) => {
    const { summary: _summary, ...rest } = doc;
    return { ...rest, fields: [], links: [], mentions: doc.mentions.filter((m) => m.kind === 'all') };
  },
];

/**
 * Renders, and while the JSON is over `maxBytes` re-renders a trimmed doc (flagged as truncated so
 * the output can say so). Returns the smallest form when even that does not fit.
 */
export function shrinkToFit<T>(doc: MessageDoc, build: (doc: MessageDoc, truncated: boolean) => T, maxBytes: number): T {
  let rendered = build(doc, false);
  let current = doc;
  for (const step of SHRINK_STEPS) {
    if (Buffer.byteLength(JSON.stringify(rendered), 'utf8') <= maxBytes) return rendered;
    current = step(current);
    rendered = build(current, true);
  }
  return rendered;
}
