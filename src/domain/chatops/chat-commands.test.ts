import { describe, expect, it } from 'vitest';
import { parseChatCommand } from './chat-commands.js';

describe('parseChatCommand', () => {
  const cases: [string, string | null, string | null][] = [
    ['ack', 'ack', null],
    ['/ack INC-12', 'ack', 'INC-12'],
    ['确认 12', 'ack', '12'],
    ['收到', 'ack', null],
    ['INC-7 resolve', 'resolve', 'INC-7'],
    ['解决 #7', 'resolve', '7'],
    ['升级', 'escalate', null],
    ['escalate inc-3', 'escalate', 'inc-3'],
    ['RESOLVE', 'resolve', null],
    ['确认，INC-4', 'ack', 'INC-4'],
    ['帮助', 'help', null],
  ];
  it.each(cases)('%s → %s %s', (text, name, ref) => {
    const parsed = parseChatCommand(text);
    expect(parsed?.spec.name).toBe(name);
    expect(parsed?.incidentRef).toBe(ref);
  });

  it.each([
    'the database looks fine now',
    'I will ack after lunch',
    'ack INC-12 please now',
    'resolve the thing',
    '',
    '确认一下日志',
  ])('leaves conversation alone: %j', (text) => {
    expect(parseChatCommand(text)).toBeNull();
  });
});
