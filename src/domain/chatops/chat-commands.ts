import { parseIncidentRef } from '../../kernel/index.js';

export type ChatCommandName = 'ack' | 'resolve' | 'escalate' | 'help';

/** A declared command: its name, its Chinese and English aliases, and the role it needs. */
export interface ChatCommandSpec {
  name: ChatCommandName;
  aliases: string[];
  role: 'viewer' | 'responder';
  help: string;
}

export const CHAT_COMMANDS: ChatCommandSpec[] = [
  { name: 'ack', aliases: ['ack', 'acknowledge', 'a', '确认', '认领', '收到', '响应'], role: 'responder', help: 'ack [INC-12]: acknowledge (确认)' },
  { name: 'resolve', aliases: ['resolve', 'resolved', 'r', '解决', '已解决', '恢复', '关闭'], role: 'responder', help: 'resolve [INC-12]: resolve (解决)' },
  { name: 'escalate', aliases: ['escalate', 'esc', '升级'], role: 'responder', help: 'escalate [INC-12]: page the next level now (升级)' },
  { name: 'help', aliases: ['help', 'h', '?', '帮助'], role: 'viewer', help: 'help: list the commands (帮助)' },
];

export interface ParsedChatCommand {
  spec: ChatCommandSpec;
  /** INC-12, "12" or "#12" when given; otherwise the incident of the chat or the card. */
  incidentRef: string | null;
}

const byAlias = new Map(CHAT_COMMANDS.flatMap((spec) => spec.aliases.map((alias) => [alias.toLowerCase(), spec] as const)));

/**
 * Reads a command from chat text: "ack", "/ack INC-12", "确认 12", "INC-12 resolve". Text that is
 * not a command (ordinary conversation) returns null, so the room can talk freely.
 */
export function parseChatCommand(text: string): ParsedChatCommand | null {
  const words = text.trim().replace(/^[/!]/, '').split(/[\s,，:：]+/).filter(Boolean);
  if (!words.length || words.length > 3) return null;
  let spec = byAlias.get(words[0]!.toLowerCase());
  let rest = words.slice(1);
  if (!spec && words.length >= 2) {
    spec = byAlias.get(words[1]!.toLowerCase());
    rest = [words[0]!, ...words.slice(2)];
  }
  if (!spec) return null;
  if (rest.length > 1) return null;
  if (!rest.length) return { spec, incidentRef: null };
  const number = parseIncidentRef(rest[0]!.replace(/^#/, ''));
  return number ? { spec, incidentRef: rest[0]!.replace(/^#/, '') } : null;
}

export const chatHelpText = (): string => ['Commands (命令):', ...CHAT_COMMANDS.map((c) => `• ${c.help}`)].join('\n');
