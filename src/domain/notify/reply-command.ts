import type { Db } from '../../db/database.js';
import { AppError, formatIncidentRef, parseIncidentRef } from '../../kernel/index.js';
import { changeIncidentStatus, type Actor } from '../incidents/index.js';
import { findIncidentByReplyCode } from './notification-store.js';

const REPLY_RE = /^\s*(\d{1,9})\s*([ar])\s*$/i;

/**
 * Answers a page by text: "42a" acknowledges and "42r" resolves INC-42, if INC-42 was paged to
 * this user (GoAlert style). Returns the text to send back.
 */
export async function handleReplyCommand(tx: Db, userId: string, text: string, ctx: { now: Date; autoCloseAfterMs: number }): Promise<string> {
  const match = REPLY_RE.exec(text);
  if (!match) return 'Reply with the number from the page and a (acknowledge) or r (resolve), e.g. 1a.';
  const [, code, letter] = match as unknown as [string, string, string];
  const incidentId = await findIncidentByReplyCode(tx, userId, code);
  if (!incidentId) return `No page numbered ${code} was sent to you.`;
  const actor: Actor = { type: 'user', id: userId };
  const event = letter.toLowerCase() === 'a' ? ({ type: 'acknowledge' } as const) : ({ type: 'resolve' } as const);
  try {
    const incident = await changeIncidentStatus(tx, incidentId, event, { now: ctx.now, actor, autoCloseAfterMs: ctx.autoCloseAfterMs }, { note: `by SMS reply "${text.trim()}"` });
    return `${formatIncidentRef(incident.number)} ${incident.status}.`;
  } catch (error) {
    if (error instanceof AppError && error.status === 409) return error.message;
    throw error;
  }
}

/** Pressing 1 during a voice page acknowledges that page's incident, if the page went to this user. */
export async function acknowledgeByVoice(tx: Db, userId: string, ref: string, digits: string, ctx: { now: Date; autoCloseAfterMs: number }): Promise<string> {
  if (digits !== '1') return 'Not acknowledged. Goodbye.';
  const number = parseIncidentRef(ref);
  const paged = number
    ? await tx
        .selectFrom('notifications as n')
        .innerJoin('incidents as i', 'i.id', 'n.incident_id')
        .select('i.id')
        .where('i.number', '=', number)
        .where('n.user_id', '=', userId)
        .where('n.channel', '=', 'voice')
        .where('n.status', '=', 'sent')
        .executeTakeFirst()
    : undefined;
  if (!paged) return 'This call is not about an incident paged to you.';
  try {
    const incident = await changeIncidentStatus(tx, paged.id, { type: 'acknowledge' }, { now: ctx.now, actor: { type: 'user', id: userId }, autoCloseAfterMs: ctx.autoCloseAfterMs }, { note: 'by pressing 1 on a voice page' });
    return `Incident ${incident.number} acknowledged. Thank you.`;
  } catch (error) {
    if (error instanceof AppError && error.status === 409) return `Incident ${number} was already taken care of.`;
    throw error;
  }
}
