import { describe, expect, it } from 'vitest';
import { CHAT_COMMANDS as SERVER_COMMANDS } from '../../../../../src/domain/chatops/chat-commands';
import { CHAT_COMMANDS, activeToken, matchCommands, matchPeople, replaceToken } from './chat-suggestions';

describe('chat input suggestions', () => {
  it('offers only commands and aliases the server understands', () => {
    const known = new Set(SERVER_COMMANDS.flatMap((spec) => spec.aliases));
    for (const command of CHAT_COMMANDS) {
      expect(known, command.name).toContain(command.name);
      for (const alias of command.zh) expect(known, `${command.name} / ${alias}`).toContain(alias);
    }
    // Every server command is offered under its first alias (commander, scribe, liaison are "role").
    expect(new Set(CHAT_COMMANDS.map((c) => c.name))).toEqual(new Set(SERVER_COMMANDS.map((s) => s.aliases[0]!)));
  });

  it('finds the token at the caret: a mention anywhere, a command only at the start', () => {
    expect(activeToken('ping @al', 8)).toEqual({ type: 'mention', query: 'al', start: 5, end: 8 });
    expect(activeToken('（@bo', 4)).toEqual({ type: 'mention', query: 'bo', start: 1, end: 4 });
    expect(activeToken('mail me@example', 15)).toBeNull();
    expect(activeToken('/dec', 4)).toEqual({ type: 'command', query: 'dec', start: 0, end: 4 });
    expect(activeToken('say /dec', 8)).toBeNull();
  });

  it('matches commands by English name or Chinese alias, inserting what was typed', () => {
    expect(matchCommands('es').map((m) => m.insert)).toEqual(['escalate']);
    expect(matchCommands('决').map((m) => m.insert)).toEqual(['决策']);
    expect(matchCommands('')).toHaveLength(CHAT_COMMANDS.length);
  });

  it('puts room members first, then ids starting with the query, then by name', () => {
    const users = [
      { id: 'zoe', name: 'Alice Z' },
      { id: 'alice', name: 'Alice Chen' },
      { id: 'bob', name: 'Bob Li' },
    ];
    expect(matchPeople('al', users, new Set()).map((p) => p.id)).toEqual(['alice', 'zoe']);
    expect(matchPeople('al', users, new Set(['zoe'])).map((p) => p.id)).toEqual(['zoe', 'alice']);
    expect(matchPeople('', users, new Set(), 2)).toHaveLength(2);
  });

  it('replaces the token and leaves one space before what follows', () => {
    const token = activeToken('hi @al', 6)!;
    expect(replaceToken('hi @al', token, 'alice')).toEqual({ text: 'hi @alice ', caret: 10 });
    const middle = activeToken('hi @al there', 6)!;
    expect(replaceToken('hi @al there', middle, 'alice').text).toBe('hi @alice there');
  });
});
