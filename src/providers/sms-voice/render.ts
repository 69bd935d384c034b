import type { MessageDoc } from '../api.js';

/** Two GSM-7 segments; longer texts cost more and arrive split on some handsets. */
export const SMS_MAX_CHARS = 320;
/** Keeps the spoken page short enough to listen to before the prompt. */
const VOICE_TITLE_MAX_CHARS = 200;

const KIND_PREFIX: Record<MessageDoc['kind'], string> = {
  page: '',
  update: 'Update: ',
  resolved: 'Resolved: ',
  digest: 'Digest: ',
};

/** `[P0] INC-12 title. Reply 1a to ack, 1r to resolve` — plain ASCII punctuation keeps it GSM-7 when the title is. */
export function renderSms(doc: MessageDoc): string {
  const head = `[${doc.severity}]${doc.incidentRef ? ` ${doc.incidentRef}` : ''} ${KIND_PREFIX[doc.kind]}`;
  const tail = doc.replyHint ? ` ${oneLine(doc.replyHint)}` : doc.incidentUrl ? ` ${doc.incidentUrl}` : '';
  const room = SMS_MAX_CHARS - length(head) - length(tail) - 1;
  const full = oneLine(doc.title).replace(/[.!?。！？]+$/u, '');
  const cut = truncate(full, Math.max(room, 20));
  // A cut title already ends in "...", so it gets no full stop of its own.
  return truncate(`${head}${cut === full ? `${full}.` : cut}${tail}`, SMS_MAX_CHARS);
}

export interface VoiceRenderOptions {
  /** <Gather action>: where Twilio posts the pressed digit. */
  actionUrl?: string;
}

/**
 * TwiML for a page call: the incident is read out, then a one-digit Gather asks to press 1.
 * Only pages ask for input; updates and resolutions are just read.
 */
export function renderVoiceTwiml(doc: MessageDoc, options: VoiceRenderOptions = {}): string {
  const ref = doc.incidentRef ? ` ${spokenRef(doc.incidentRef)}.` : '';
  const title = truncate(oneLine(doc.title), VOICE_TITLE_MAX_CHARS);
  const intro = `Warroom ${doc.kind === 'page' ? 'page' : doc.kind}. Severity ${doc.severity}.${ref} ${title}.`;
  const parts = [`<Say>${xml(intro)}</Say>`];
  if (doc.kind === 'page') {
    const action = options.actionUrl ? ` action="${xml(gatherAction(options.actionUrl, doc.incidentRef))}" method="POST"` : '';
    parts.push(`<Gather numDigits="1" timeout="10"${action}><Say>Press 1 to acknowledge.</Say></Gather>`);
    parts.push('<Say>No input received. Goodbye.</Say>');
  }
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${parts.join('')}</Response>`;
}

/** "INC-12" reads as "Incident 12" instead of letters. */
function spokenRef(ref: string): string {
  const match = /^INC-(\d+)$/i.exec(ref);
  return match ? `Incident ${match[1]}` : ref;
}

function gatherAction(actionUrl: string, incidentRef: string | undefined): string {
  if (!incidentRef) return actionUrl;
  const url = new URL(actionUrl);
  url.searchParams.set('incident', incidentRef);
  return url.toString();
}

// XML 1.0 forbids most control characters outright, so drop them before escaping.
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// Count code points, not UTF-16 units, so an emoji is never cut in half.
function length(text: string): number {
  return Array.from(text).length;
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 3).join('').trimEnd()}...`;
}
