import { PermanentError, RetryableError } from '../../kernel/index.js';

/** The fields nodemailer puts on its errors (see nodemailer's errors.d.ts). */
interface NodemailerErrorLike {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  message?: unknown;
}

// No SMTP reply code, but the failure is the same on every try.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EENVELOPE', 'ETLS', 'EREQUIRETLS', 'ECONFIG']);

/**
 * SMTP reply codes decide: 4xx is temporary (greylisting, 421 busy, 451/452), 5xx permanent
 * (550 unknown mailbox, 535 bad credentials). Without a code, connection trouble and timeouts are
 * retried and configuration mistakes are not. Messages are built from known fields and scrubbed
 * of every form the secret could take, because nodemailer can quote the URL or the AUTH exchange.
 */
export function classifySmtpError(error: unknown, secrets: string[]): RetryableError | PermanentError {
  const e: NodemailerErrorLike = error && typeof error === 'object' ? error : {};
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const command = typeof e.command === 'string' ? ` ${e.command}` : '';
  const reply = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(error);
  const text = scrub(`smtp${command} failed (${responseCode ?? code ?? 'error'}): ${firstLine(reply)}`, secrets);
  if (responseCode !== undefined) {
    return responseCode >= 500 ? new PermanentError(text) : new RetryableError(text);
  }
  if (code && PERMANENT_CODES.has(code)) return new PermanentError(text);
  return new RetryableError(text);
}

/** The password as written in the URL, decoded, and as it appears base64-encoded in AUTH PLAIN/LOGIN. */
export function secretFormsOf(smtpUrl: string): string[] {
  const url = new URL(smtpUrl);
  const user = safeDecode(url.username);
  const pass = safeDecode(url.password);
  if (!pass) return [];
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [smtpUrl, url.password, pass, b64(pass), b64(`\u0000${user}\u0000${pass}`), b64(`${user}\u0000${user}\u0000${pass}`)];
}

function scrub(text: string, secrets: string[]): string {
  // Longest first, so a whole URL goes before the password inside it.
  const ordered = [...new Set(secrets.filter(Boolean))].sort((a, b) => b.length - a.length);
  return ordered.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').slice(0, 300);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
