import { ActionIcon, Avatar, Badge, Combobox, Group, Text, Textarea, Tooltip, useCombobox } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useUsers } from '../../../api/catalog';
import { activeToken, matchCommands, matchPeople, replaceToken } from './chat-suggestions';

interface Props {
  disabled: boolean;
  /** Viewers may talk, but their commands are refused: the placeholder says so. */
  viewer?: boolean;
  sending: boolean;
  memberIds: Set<string>;
  onSend: (text: string) => Promise<boolean>;
  focusSignal: number;
}

/**
 * The war room's input: Enter sends, Shift+Enter breaks the line; "@" suggests people (room members
 * first) and a leading "/" the commands. Suggestions come from a combobox so arrows, Enter, Tab and
 * Escape work as in any picker.
 */
export function ChatInput({ disabled, viewer = false, sending, memberIds, onSend, focusSignal }: Props) {
  const { t } = useTranslation('incident');
  const users = useUsers();
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });

  const token = activeToken(text, caret);
  const people = useMemo(() => (token?.type === 'mention' ? matchPeople(token.query, users.data ?? [], memberIds) : []), [token?.type, token?.query, users.data, memberIds]);
  const commands = useMemo(() => (token?.type === 'command' ? matchCommands(token.query) : []), [token?.type, token?.query]);
  const count = token?.type === 'mention' ? people.length : commands.length;

  useEffect(() => {
    if (token && count && !disabled) {
      combobox.openDropdown();
      // People are picked with Enter at once; commands only when chosen, so "/ack" + Enter sends.
      if (token.type === 'mention') window.requestAnimationFrame(() => combobox.selectFirstOption());
    } else combobox.closeDropdown();
  }, [token?.type, token?.query, count, disabled]);

  // Only a new signal (the c shortcut) focuses; showing the tab again must not pop a phone keyboard.
  const handledSignal = useRef(0);
  useEffect(() => {
    if (focusSignal === handledSignal.current) return;
    handledSignal.current = focusSignal;
    input.current?.focus();
  }, [focusSignal]);

  const choose = (insert: string) => {
    if (!token) return;
    const next = replaceToken(text, token, insert);
    setText(next.text);
    setCaret(next.caret);
    combobox.closeDropdown();
    window.requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const send = async () => {
    const message = text.trim();
    if (!message || disabled || sending) return;
    if (await onSend(message)) {
      setText('');
      setCaret(0);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing || event.keyCode === 229) return; // Chinese IME: Enter confirms the word
    const picking = combobox.dropdownOpened && count > 0;
    if (event.key === 'Tab' && picking) {
      event.preventDefault();
      if (combobox.getSelectedOptionIndex() === -1) combobox.selectFirstOption();
      combobox.clickSelectedOption();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      if (picking && combobox.getSelectedOptionIndex() !== -1) return; // the combobox picks the option
      event.preventDefault();
      void send();
    }
  };

  const trackCaret = () => setCaret(input.current?.selectionStart ?? 0);

  return (
    <Group gap="xs" wrap="nowrap" align="flex-end">
      <Combobox store={combobox} onOptionSubmit={choose} position="top-start" withinPortal={false} offset={4}>
        <Combobox.Target withKeyboardNavigation>
          <Textarea
            ref={input}
            data-testid="chat-input"
            aria-label={t('chat.inputLabel')}
            placeholder={viewer ? t('chat.viewerPlaceholder') : t('chat.placeholder')}
            value={text}
            disabled={disabled}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setCaret(e.currentTarget.selectionStart);
            }}
            onKeyDown={onKeyDown}
            onKeyUp={trackCaret}
            onClick={trackCaret}
            onBlur={() => combobox.closeDropdown()}
            autosize
            minRows={1}
            maxRows={6}
            maxLength={8000}
            style={{ flex: 1 }}
          />
        </Combobox.Target>
        <Combobox.Dropdown>
          <Combobox.Header>
            <Text size="xs" c="dimmed" fw={600}>
              {token?.type === 'command' ? t('chat.commandList') : t('chat.mentionList')}
            </Text>
          </Combobox.Header>
          <Combobox.Options mah={260} style={{ overflowY: 'auto' }}>
            {token?.type === 'mention' &&
              people.map((p) => (
                <Combobox.Option key={p.id} value={p.id} data-testid={`mention-option-${p.id}`}>
                  <Group gap="xs" wrap="nowrap">
                    <Avatar size={22} radius="xl" color="initials" name={p.name} />
                    <Text size="sm" fw={500}>
                      {p.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      @{p.id}
                    </Text>
                    {p.member && (
                      <Badge size="xs" variant="light" color="teal">
                        {t('chat.inRoom')}
                      </Badge>
                    )}
                  </Group>
                </Combobox.Option>
              ))}
            {token?.type === 'command' &&
              commands.map(({ command, insert }) => (
                <Combobox.Option key={command.name} value={insert} data-testid={`command-option-${command.name}`}>
                  <Group gap="xs" wrap="nowrap" align="baseline">
                    <Text size="sm" ff="monospace" fw={600}>
                      /{insert}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t(`chat.commands.${command.name}`)}
                    </Text>
                  </Group>
                </Combobox.Option>
              ))}
          </Combobox.Options>
        </Combobox.Dropdown>
      </Combobox>
      <Tooltip label={t('chat.sendHint')} withArrow>
        <ActionIcon data-testid="chat-send" size={36} variant="filled" aria-label={t('chat.send')} onClick={() => void send()} disabled={disabled || !text.trim()} loading={sending}>
          <IconSend size={18} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
