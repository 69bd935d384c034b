import { DateTime, IANAZone } from 'luxon';

/**
 * Pure text helpers shared by the decision format and the incident document: user text is
 * escaped so that it reads as written (a title with "*" or "|" never turns into markup or breaks
 * a table), and times are shown in one time zone.
 */

// Characters that start or end inline markup or HTML, plus the table cell separator.
const INLINE_SPECIALS = /[\\`*_[\]<>|~#]/g;

/** One line of user text, safe inside a paragraph, a list item or a table cell. */
export function escapeMarkdown(text: string): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const escaped = oneLine.replace(INLINE_SPECIALS, (c) => `\\${c}`);
  // At the start of a line, "- ", "+ ", "1. " or "1) " would begin a list.
  return escaped.replace(/^([-+])(?=\s)/, '\\$1').replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
}

export const isValidTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

/** "2026-11-23 18:00" in the zone; seconds are noise in a timeline. */
export function formatTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: isValidTimeZone(timeZone) ? timeZone : 'UTC' }).toFormat('yyyy-LL-dd HH:mm');
}

/** "UTC" or "UTC+08:00": said once next to times shown in a zone. */
export function zoneLabel(timeZone: string, at: Date): string {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const offset = DateTime.fromJSDate(at, { zone }).offset;
  if (offset === 0) return zone === 'UTC' ? 'UTC' : `${zone}, UTC`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return zone === 'UTC' ? 'UTC' : `${zone}, UTC${sign}${hhmm}`;
}
