import { parseIncidentRef } from '../../kernel/index.js';

export type ChatCommandName = 'ack' | 'resolve' | 'escalate' | 'help' | 'note' | 'status' | 'decision' | 'action' | 'severity' | 'assign' | 'role' | 'invite';
export type IncidentRole = 'commander' | 'scribe' | 'liaison';

/** A declared command: its name, its Chinese and English aliases, what it takes, and the role it needs. */
export interface ChatCommandSpec {
  name: ChatCommandName;
  aliases: string[];
  /** 'ref': at most an incident reference; 'text': free text after the command word. */
  args: 'ref' | 'text';
  role: 'viewer' | 'responder';
  help: string;
  incidentRole?: IncidentRole;
}

export const CHAT_COMMANDS: ChatCommandSpec[] = [
  { name: 'ack', aliases: ['ack', 'acknowledge', 'a', '确认', '认领', '收到', '响应'], args: 'ref', role: 'responder', help: 'ack [INC-12]: acknowledge (确认)' },
  { name: 'resolve', aliases: ['resolve', 'resolved', 'r', '解决', '已解决', '恢复'], args: 'ref', role: 'responder', help: 'resolve [INC-12]: resolve (解决)' },
  { name: 'escalate', aliases: ['escalate', 'esc', '升级'], args: 'ref', role: 'responder', help: 'escalate [INC-12]: page the next level now (升级)' },
  { name: 'note', aliases: ['note', '备注', '记录'], args: 'text', role: 'responder', help: 'note <text>: add a note to the timeline (备注)' },
  { name: 'status', aliases: ['status', 'update', '进展', '状态', '更新'], args: 'text', role: 'responder', help: 'status <what we know>: a status update (进展)' },
  { name: 'decision', aliases: ['decision', 'decide', '决策', '决定'], args: 'text', role: 'responder', help: 'decision <what> because <why>; alternatives: <a>, <b> (决策 … 因为 … 备选: …)' },
  { name: 'action', aliases: ['action', 'todo', '行动项', '待办', '跟进'], args: 'text', role: 'responder', help: 'action <what> [@who] [by 2h|明天]: an action item (行动项)' },
  { name: 'severity', aliases: ['severity', 'sev', '级别', '等级'], args: 'text', role: 'responder', help: 'severity P1 [why]: change the severity (级别)' },
  { name: 'assign', aliases: ['assign', '指派', '分配'], args: 'text', role: 'responder', help: 'assign @who: assign the incident (指派)' },
  { name: 'role', aliases: ['commander', 'ic', '指挥', '指挥官'], args: 'text', role: 'responder', help: 'commander @who: the incident commander (指挥)', incidentRole: 'commander' },
  { name: 'role', aliases: ['scribe', '记录员'], args: 'text', role: 'responder', help: 'scribe @who: keeps the record (记录员)', incidentRole: 'scribe' },
  { name: 'role', aliases: ['liaison', '联络', '联络人'], args: 'text', role: 'responder', help: 'liaison @who: talks to the outside (联络人)', incidentRole: 'liaison' },
  { name: 'invite', aliases: ['invite', '邀请', '拉人'], args: 'text', role: 'responder', help: 'invite @who: bring someone into the room (邀请)' },
  { name: 'help', aliases: ['help', 'h', '?', '帮助'], args: 'ref', role: 'viewer', help: 'help: list the commands (帮助)' },
];

export interface ParsedChatCommand {
  spec: ChatCommandSpec;
  /** INC-12, "12" or "#12" when given; otherwise the incident of the chat or the card. */
  incidentRef: string | null;
  /** Everything after the command word, for commands that take text. */
  text: string;
}

const byAlias = new Map(CHAT_COMMANDS.flatMap((spec) => spec.aliases.map((alias) => [alias.toLowerCase(), spec] as const)));
/** A mention placeholder or the bot's own @name before a command ("@warroom ack"). */
const LEADING_MENTIONS = /^(?:\s*(?:<at[^>]*>[^<]*<\/at>|<@[A-Z0-9]+(?:\|[^>]*)?>|@_user_\d+|@warroom\b))+\s*/i;

/**
 * Reads a command from chat text: "ack", "/ack INC-12", "确认 12", "INC-12 resolve",
 * "/decision 回滚到 v1.2 因为…". Text that is not a command (ordinary conversation) returns null,
 * so the room can talk freely; a reference-only command with extra words is conversation too, and
 * commands that take text need a "/" (or "!", or `addressed`: the message @mentions the bot).
 */
export function parseChatCommand(text: string, options: { addressed?: boolean } = {}): ParsedChatCommand | null {
  const stripped = text.replace(LEADING_MENTIONS, '').trim();
  const slash = /^[/!]/.test(stripped);
  const body = stripped.replace(/^[/!]/, '');
  const head = /^([^\s:：,，]+)[\s:：,，]*([\s\S]*)$/.exec(body);
  if (!head) return null;
  const spec = byAlias.get(head[1]!.toLowerCase());
  // Free-text commands change records, so ordinary talk ("update on the db…") must not trigger them:
  // they need "/" or "!", or the message addressed to the bot.
  if (spec?.args === 'text') return slash || options.addressed ? { spec, incidentRef: null, text: head[2]!.trim() } : null;
  const words = body.split(/[\s,，:：]+/).filter(Boolean);
  if (!words.length || words.length > 3) return null;
  let found = spec;
  let rest = words.slice(1);
  if (!found && words.length >= 2) {
    found = byAlias.get(words[1]!.toLowerCase());
    rest = [words[0]!, ...words.slice(2)];
    if (found?.args === 'text') return null;
  }
  if (!found || rest.length > 1) return null;
  // A bare one-letter alias ("a", "r") only counts when written as a command ("/a").
  if (found.aliases.some((a) => a.length === 1 && a === words[0]!.toLowerCase()) && !slash && !rest.length) return null;
  if (!rest.length) return { spec: found, incidentRef: null, text: '' };
  const ref = rest[0]!.replace(/^#/, '');
  return parseIncidentRef(ref) ? { spec: found, incidentRef: ref, text: '' } : null;
}

export const chatHelpText = (): string => ['Commands (命令):', ...CHAT_COMMANDS.map((c) => `• ${c.help}`)].join('\n');
