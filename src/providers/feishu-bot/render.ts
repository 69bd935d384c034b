import { createHmac } from 'node:crypto';
import type { MessageDoc } from '../api.js';
import { renderFeishuCard, renderFeishuPost, type FeishuCard, type FeishuPostContent } from '../feishu/render.js';

/** Custom bot bodies may be at most 20 KB (reference §1.10); leave room for timestamp, sign and keyword. */
export const BOT_BODY_MAX_BYTES = 20 * 1024;
const CONTENT_BUDGET = BOT_BODY_MAX_BYTES - 512;

export type FeishuBotBody =
  | { msg_type: 'interactive'; card: FeishuCard; timestamp?: string; sign?: string }
  | { msg_type: 'post'; content: { post: FeishuPostContent }; timestamp?: string; sign?: string };

/**
 * sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")); timestamp in seconds.
 * The secret sits in the key and the message is empty: that is how Feishu specifies it.
 */
export function signFeishuBot(timestampSec: number, secret: string): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

/**
 * The webhook body for a doc: a card whose buttons only open links (custom bots get no callbacks),
 * or rich text for digests. A configured keyword is added to the footer when the text lacks it.
 */
export function renderFeishuBotBody(doc: MessageDoc, options: { keyword?: string } = {}): FeishuBotBody {
  const withKeyword = ensureKeyword(doc, options.keyword);
  if (doc.kind === 'digest') return { msg_type: 'post', content: { post: renderFeishuPost(withKeyword, { maxBytes: CONTENT_BUDGET }) } };
  return { msg_type: 'interactive', card: renderFeishuCard(withKeyword, { linksOnly: true, maxBytes: CONTENT_BUDGET }) };
}

function ensureKeyword(doc: MessageDoc, keyword: string | undefined): MessageDoc {
  if (!keyword) return doc;
  // The title and footer survive trimming for size, so the keyword is looked for (and put) there.
  if (doc.title.includes(keyword) || doc.footer?.includes(keyword)) return doc;
  return { ...doc, footer: doc.footer ? `${keyword} · ${doc.footer}` : keyword };
}
