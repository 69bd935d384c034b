/** What the chat input offers: people after "@", commands when the text starts with "/". */

export interface ChatCommand {
  name: string;
  /** Chinese aliases the server knows (src/domain/chatops/chat-commands.ts). */
  zh: string[];
}

export const CHAT_COMMANDS: ChatCommand[] = [
  { name: 'ack', zh: ['确认'] },
  { name: 'resolve', zh: ['解决'] },
  { name: 'escalate', zh: ['升级'] },
  { name: 'note', zh: ['备注'] },
  { name: 'status', zh: ['进展'] },
  { name: 'decision', zh: ['决策'] },
  { name: 'action', zh: ['行动项'] },
  { name: 'severity', zh: ['级别'] },
  { name: 'assign', zh: ['指派'] },
  { name: 'commander', zh: ['指挥'] },
  { name: 'scribe', zh: ['记录员'] },
  { name: 'liaison', zh: ['联络人'] },
  { name: 'invite', zh: ['邀请'] },
  { name: 'help', zh: ['帮助'] },
];

export type ChatToken = { type: 'mention'; query: string; start: number; end: number } | { type: 'command'; query: string; start: number; end: number };

/** The word being typed at the caret, when it asks for a suggestion. */
export function activeToken(text: string, caret: number): ChatToken | null {
  const before = text.slice(0, caret);
  const mention = /(^|[\s(（，,])@([A-Za-z0-9_.-]*)$/.exec(before);
  if (mention) return { type: 'mention', query: mention[2]!, start: caret - mention[2]!.length - 1, end: caret };
  const command = /^\/(\S*)$/.exec(before);
  if (command) return { type: 'command', query: command[1]!, start: 0, end: caret };
  return null;
}

/** Commands whose name or Chinese alias starts with what was typed; the alias typed is the one inserted. */
export function matchCommands(query: string): { command: ChatCommand; insert: string }[] {
  const q = query.toLowerCase();
  return CHAT_COMMANDS.flatMap((command) => {
    if (command.name.startsWith(q)) return [{ command, insert: command.name }];
    const alias = command.zh.find((a) => a.startsWith(query));
    return alias && q ? [{ command, insert: alias }] : [];
  });
}

export interface MentionCandidate {
  id: string;
  name: string;
  member: boolean;
}

/** People matching the query by id or name, room members first, then by name. */
export function matchPeople(query: string, users: { id: string; name: string }[], memberIds: Set<string>, limit = 8): MentionCandidate[] {
  const q = query.toLowerCase();
  return users
    .filter((u) => !q || u.id.toLowerCase().includes(q) || u.name.toLowerCase().includes(q))
    .map((u) => ({ id: u.id, name: u.name, member: memberIds.has(u.id) }))
    .sort((a, b) => Number(b.member) - Number(a.member) || Number(b.id.toLowerCase().startsWith(q)) - Number(a.id.toLowerCase().startsWith(q)) || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/** The text with the token replaced, and where the caret goes. */
export function replaceToken(text: string, token: ChatToken, insert: string): { text: string; caret: number } {
  const prefix = token.type === 'mention' ? '@' : '/';
  const after = text.slice(token.end);
  const spaced = after.startsWith(' ') ? '' : ' ';
  const next = `${text.slice(0, token.start)}${prefix}${insert}${spaced}${after}`;
  return { text: next, caret: token.start + prefix.length + insert.length + 1 };
}
