/**
 * Just enough RFC 5322/2045/2047 to read what nodemailer sends: unfolded headers with encoded
 * words decoded, multipart bodies, and quoted-printable or base64 parts. Test support, not a
 * general MIME parser (UTF-8 and US-ASCII only).
 */
export interface ParsedMail {
  /** Lower-cased header name → first value, decoded. */
  headers: Record<string, string>;
  subject: string;
  messageId?: string;
  text?: string;
  html?: string;
}

interface Part {
  headers: Record<string, string>;
  body: string;
}

export function parseMail(raw: string): ParsedMail {
  const root = splitPart(raw);
  const leaves = collectLeaves(root);
  const text = leaves.find((p) => contentType(p).type === 'text/plain');
  const html = leaves.find((p) => contentType(p).type === 'text/html');
  const mail: ParsedMail = { headers: root.headers, subject: root.headers.subject ?? '' };
  if (root.headers['message-id']) mail.messageId = root.headers['message-id'];
  if (text) mail.text = decodeBody(text);
  if (html) mail.html = decodeBody(html);
  return mail;
}

export function decodeEncodedWords(value: string): string {
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
  const collapsed = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  let out = '';
  let pending: Buffer[] = [];
  let last = 0;
  for (const match of collapsed.matchAll(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g)) {
    const between = collapsed.slice(last, match.index);
    if (between) {
      out += Buffer.concat(pending).toString('utf8') + between;
      pending = [];
    }
    const [, , encoding = 'Q', payload = ''] = match;
    pending.push(encoding.toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : decodeQuotedPrintable(payload.replace(/_/g, ' ')));
    last = match.index + match[0].length;
  }
  return out + Buffer.concat(pending).toString('utf8') + collapsed.slice(last);
}

export function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function splitPart(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= decodeEncodedWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function collectLeaves(part: Part): Part[] {
  const { type, boundary } = contentType(part);
  if (!type.startsWith('multipart/') || !boundary) return [part];
  const delimiter = `--${boundary}`;
  return part.body
    .split(new RegExp(`\\r?\\n?${escapeRegExp(delimiter)}`))
    .slice(1)
    .filter((chunk) => !chunk.startsWith('--'))
    .map((chunk) => splitPart(chunk.replace(/^[ \t]*\r?\n/, '')))
    .flatMap(collectLeaves);
}

function contentType(part: Part): { type: string; boundary?: string } {
  const value = part.headers['content-type'] ?? 'text/plain';
  const type = (value.split(';')[0] ?? '').trim().toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(value)?.[1];
  return boundary ? { type, boundary } : { type };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(part.body)
        : Buffer.from(part.body, 'utf8');
  return bytes.toString('utf8').replace(/\r\n/g, '\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
