import type { Db } from '../../db/database.js';
import type { ChatActor, ChatPlatform } from '../../contracts/index.js';
import { ValidationError, formatIncidentRef, isSeverity, type Severity } from '../../kernel/index.js';
import { writeAudit } from '../access/index.js';
import { createActionItem, formatDecision, parseActionItemText, parseDecisionText, recordDecision } from '../followups/index.js';
import { actorLabel, addNote, assignIncident, changeSeverity, recordTimeline, setIncidentRole, type Actor } from '../incidents/index.js';
import type { IncidentRow } from '../../db/schema.js';
import { enqueue } from '../../queue/index.js';
import { ROOM_SYNC_TASK, roomSyncJobKey } from '../warroom/index.js';
import type { ChatCommandSpec } from './chat-commands.js';
import { findChatUser, type ChatUser } from './chat-identity.js';

export interface TextCommandContext {
  now: Date;
  autoCloseAfterMs: number;
  actor: Actor;
  user: ChatUser;
  platform: ChatPlatform;
  mentions: ChatActor[];
}

/** The commands that take text: notes, status updates, decisions, action items, roles, invites. */
export async function runTextCommand(tx: Db, spec: ChatCommandSpec, text: string, incident: IncidentRow, ctx: TextCommandContext): Promise<string> {
  const ref = formatIncidentRef(incident.number);
  const action = { now: ctx.now, actor: ctx.actor, autoCloseAfterMs: ctx.autoCloseAfterMs };
  const need = (what: string) => {
    if (!text) throw new ValidationError(`${spec.aliases[0]} needs ${what}. ${spec.help}`);
  };
  switch (spec.name) {
    case 'note':
      need('the note');
      await addNote(tx, incident.id, text, action);
      return `📝 Note added to ${ref}.`;
    case 'status': {
      need('what we know');
      await recordTimeline(tx, [{ incidentId: incident.id, at: ctx.now, kind: 'status.update', actor: ctx.actor, summary: `Status update by ${ctx.user.name}: ${text}`, data: { text } }]);
      await tx.updateTable('rooms').set({ last_human_update_at: ctx.now }).where('incident_id', '=', incident.id).execute();
      await writeAudit(tx, { at: ctx.now, actor: actorLabel(ctx.actor), action: 'incident.status_update', targetType: 'incident', targetId: incident.id });
      return `📢 ${ref} status (${ctx.user.name}): ${text}`;
    }
    case 'decision': {
      const parsed = parseDecisionText(text);
      if (!parsed) throw new ValidationError(`decision needs what was decided. ${spec.help}`);
      const decision = await recordDecision(tx, { incidentId: incident.id, summary: parsed.summary, rationale: parsed.rationale, alternatives: parsed.alternatives, source: 'chat' }, ctx);
      return `${formatDecision(decision, { names: new Map([[actorLabel(ctx.actor), ctx.user.name]]) })}`;
    }
    case 'action': {
      const parsed = parseActionItemText(text, { now: ctx.now });
      if (!parsed) throw new ValidationError(`action needs what to do. ${spec.help}`);
      const assignee = parsed.assignee ? await resolvePerson(tx, ctx, parsed.assignee) : undefined;
      if (parsed.assignee && !assignee) throw new ValidationError(`nobody called ${parsed.assignee} is a warroom user`);
      const item = await createActionItem(tx, { incidentId: incident.id, title: parsed.title, ...(assignee ? { assigneeUserId: assignee.id } : {}), ...(parsed.dueAt ? { dueAt: parsed.dueAt } : {}), source: 'chat' }, ctx);
      return `✅ Action item: ${item.title} → ${item.assigneeUserId ?? 'unassigned'}, due ${item.dueAt.toISOString()}`;
    }
    case 'severity': {
      const [word, ...why] = text.split(/\s+/);
      const severity = (word ?? '').toUpperCase();
      if (!isSeverity(severity)) throw new ValidationError(`severity needs P0, P1, P2 or P3. ${spec.help}`);
      await changeSeverity(tx, incident.id, severity as Severity, action, why.join(' ') || `from chat by ${ctx.user.name}`);
      return `${ref} severity is now ${severity}.`;
    }
    case 'assign': {
      const person = await onePerson(tx, ctx, text, spec);
      await assignIncident(tx, incident.id, person.id, action);
      return `${ref} assigned to ${person.name}.`;
    }
    case 'role': {
      const person = await onePerson(tx, ctx, text, spec);
      const role = spec.incidentRole!;
      await setIncidentRole(tx, incident.id, role, person.id, action);
      return `${person.name} is now the ${role} of ${ref}.`;
    }
    case 'invite': {
      const person = await onePerson(tx, ctx, text, spec);
      await tx
        .insertInto('room_members')
        .values({ incident_id: incident.id, user_id: person.id, reasons: [`invited by ${ctx.user.name}`], invited_at: ctx.now, invited_by: actorLabel(ctx.actor) })
        .onConflict((oc) => oc.columns(['incident_id', 'user_id']).doNothing())
        .execute();
      await enqueue(tx, ROOM_SYNC_TASK, { incidentId: incident.id, invite: person.id }, { jobKey: `${roomSyncJobKey(incident.id)}:invite:${person.id}`, runAt: ctx.now });
      await recordTimeline(tx, [{ incidentId: incident.id, at: ctx.now, kind: 'room.invited', actor: ctx.actor, summary: `${ctx.user.name} invited ${person.name}` }]);
      await writeAudit(tx, { at: ctx.now, actor: actorLabel(ctx.actor), action: 'incident.room.invite', targetType: 'incident', targetId: incident.id, data: { user_id: person.id } });
      return `Inviting ${person.name} to the room.`;
    }
    default:
      throw new ValidationError(`${spec.name} takes no text`);
  }
}

async function onePerson(tx: Db, ctx: TextCommandContext, text: string, spec: ChatCommandSpec): Promise<ChatUser> {
  const typed = /@?([^\s@]+)/.exec(text)?.[1];
  const person = ctx.mentions.length ? await findChatUser(tx, ctx.platform, ctx.mentions[0]!) : typed ? await resolvePerson(tx, ctx, typed) : null;
  if (!person) throw new ValidationError(`${spec.aliases[0]} needs someone warroom knows: @mention them. ${spec.help}`);
  return person;
}

/** A typed name or id ("alice", "Alice Chen", "ou_x") or a platform mention id, to a warroom user. */
async function resolvePerson(tx: Db, ctx: TextCommandContext, who: string): Promise<ChatUser | null> {
  const viaChat = await findChatUser(tx, ctx.platform, { ids: [who] });
  if (viaChat) return viaChat;
  const mention = ctx.mentions.find((m) => m.name === who || m.ids.includes(who));
  if (mention) return findChatUser(tx, ctx.platform, mention);
  const row = await tx.selectFrom('users').select(['id', 'name', 'role']).where((eb) => eb.or([eb('id', '=', who), eb('name', '=', who)])).executeTakeFirst();
  return row ? { id: row.id, name: row.name, role: row.role as ChatUser['role'] } : null;
}
