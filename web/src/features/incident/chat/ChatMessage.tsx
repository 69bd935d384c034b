import { Avatar, Badge, Box, Group, Text, Tooltip } from '@mantine/core';
import { IconRobot } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../components/duration';
import type { RoomMessage } from '../types';
import { shortTime } from '../use-actor-name';
import { MessageCard, isDoc } from './MessageCard';
import { MessageText } from './MessageText';
import classes from './chat.module.css';

const PROVIDERS_SHOWN = new Set(['feishu', 'slack', 'dingtalk', 'wecom', 'lark']);

/** One room message: a person's words (the author shown once per run), warroom's notes, or the live card. */
export function ChatMessage({ message, continued }: { message: RoomMessage; continued: boolean }) {
  const { t, i18n } = useTranslation('incident');
  const time = (
    <Tooltip label={formatDateTime(message.created_at, i18n.language)} openDelay={300}>
      <time dateTime={message.created_at} className={classes.time}>
        {shortTime(message.created_at, i18n.language)}
      </time>
    </Tooltip>
  );

  if (message.kind === 'card' && isDoc(message.doc)) {
    return (
      <Box className={classes.row} data-testid="room-message" data-kind="card">
        <Group gap={6} mb={4}>
          <IconRobot size={14} aria-hidden />
          <Text size="xs" fw={600}>
            {t('warroom')}
          </Text>
          {time}
        </Group>
        <MessageCard doc={message.doc} />
      </Box>
    );
  }

  if (message.kind !== 'human') {
    const doc = isDoc(message.doc) ? message.doc : null;
    return (
      <Group gap={6} wrap="nowrap" align="flex-start" className={classes.system} data-testid="room-message" data-kind="system">
        <IconRobot size={14} aria-hidden style={{ flex: 'none', marginTop: 3 }} />
        <Box miw={0} style={{ flex: 1 }}>
          <Text size="sm" c="dimmed" className={classes.text}>
            {doc ? [doc.title, doc.summary].filter(Boolean).join('\n') : message.text}
          </Text>
        </Box>
        {time}
      </Group>
    );
  }

  return (
    <Group gap="sm" wrap="nowrap" align="flex-start" className={classes.row} data-testid="room-message" data-kind="human" data-author={message.author_user_id ?? undefined}>
      <Box w={30} style={{ flex: 'none' }}>
        {!continued && <Avatar size={30} radius="xl" color="initials" name={message.author_label} />}
      </Box>
      <Box miw={0} style={{ flex: 1 }}>
        {!continued && (
          <Group gap={6} wrap="wrap">
            <Text size="sm" fw={600}>
              {message.author_label}
            </Text>
            {time}
            {PROVIDERS_SHOWN.has(message.provider) && (
              <Badge size="xs" variant="light" color="gray" radius="sm">
                {t(`rooms.provider.${message.provider}`, { defaultValue: message.provider })}
              </Badge>
            )}
          </Group>
        )}
        <MessageText text={message.text} />
      </Box>
    </Group>
  );
}
