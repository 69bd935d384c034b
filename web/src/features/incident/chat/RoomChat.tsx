import { Alert, Box, Button, CloseButton, Group, Indicator, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import { IconArrowDown, IconRobot } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { useSession } from '../../../auth/session';
import { QueryState } from '../../../components/QueryState';
import { errorText, incidentPath, useOpenRoom } from '../api';
import type { RoomMessage } from '../types';
import { ChatInput } from './ChatInput';
import { ChatMessage } from './ChatMessage';
import type { RoomFeedMode } from './use-room-messages';
import classes from './chat.module.css';

export interface RoomFeed {
  messages: RoomMessage[];
  mode: RoomFeedMode;
  loading: boolean;
  error: unknown;
  refresh: () => void;
}

interface Reply {
  key: number;
  afterId: number;
  text: string;
  ok: boolean;
}

const RUN_MS = 5 * 60_000;

/** The built-in war room: the same conversation as on Feishu or Slack, commands included. */
interface Props {
  incidentRef: string;
  feed: RoomFeed;
  memberIds: Set<string>;
  active: boolean;
  focusSignal: number;
  /** The incident has no web room (P2/P3 until asked for): what is said is not kept. */
  noRoom: boolean;
}

export function RoomChat({ incidentRef, feed, memberIds, active, focusSignal, noRoom }: Props) {
  const { t } = useTranslation('incident');
  const client = useQueryClient();
  const { data: session } = useSession();
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [replies, setReplies] = useState<Reply[]>([]);
  const viewport = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [behind, setBehind] = useState(false);
  const { messages } = feed;
  const lastId = messages[messages.length - 1]?.id ?? 0;

  const toBottom = () => {
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setBehind(false);
  };
  useLayoutEffect(() => {
    if (atBottom.current) toBottom();
    else setBehind(true);
  }, [lastId, replies.length]);
  useEffect(() => {
    if (active) toBottom();
  }, [active]);

  // warroom posts its answer to a command into the room as well; once it is there, the inline copy goes.
  const shown = replies.filter((r) => !messages.some((m) => m.id > r.afterId && m.kind !== 'human' && m.text.trim() === r.text.trim()));

  const send = async (text: string): Promise<boolean> => {
    setSending(true);
    setSendError(null);
    try {
      const answer = await api.post<{ ok: boolean; reply: string | null }>(`${incidentPath(incidentRef)}/room/messages`, { text });
      if (answer.reply) setReplies((all) => [...all.slice(-4), { key: Date.now(), afterId: lastId, text: answer.reply!, ok: answer.ok }]);
      atBottom.current = true;
      feed.refresh();
      void client.invalidateQueries({ queryKey: ['incident', incidentRef] });
      return true;
    } catch (error) {
      setSendError(errorText(error));
      return false;
    } finally {
      setSending(false);
    }
  };

  const repliesAfter = (id: number) =>
    shown
      .filter((r) => r.afterId === id)
      .map((r) => (
        <Group key={r.key} gap={6} wrap="nowrap" align="flex-start" className={classes.reply} data-testid="chat-reply" data-ok={r.ok} role="status">
          <IconRobot size={14} aria-hidden style={{ flex: 'none', marginTop: 3 }} />
          <Text size="sm" c={r.ok ? undefined : 'red'} className={classes.text} style={{ flex: 1 }}>
            {r.text}
          </Text>
          <CloseButton size="sm" aria-label={t('chat.dismiss')} onClick={() => setReplies((all) => all.filter((x) => x.key !== r.key))} />
        </Group>
      ));

  // Anyone signed in may talk, as in a chat platform's room; the server checks each command's role.
  const canPost = !!session;
  const viewer = session?.user.role === 'viewer';
  const openRoom = useOpenRoom(incidentRef);
  return (
    <Paper withBorder data-testid="room-chat" p={0}>
      <Group justify="space-between" px="sm" py={6} style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Text size="xs" c="dimmed" visibleFrom="sm">
          {t('chat.hint')}
        </Text>
        <Group gap={6} wrap="nowrap" aria-live="polite" ml="auto">
          <Indicator color={feed.mode === 'live' ? 'green' : 'gray'} processing={feed.mode === 'live'} size={8} position="middle-start" offset={-2}>
            <span style={{ display: 'inline-block', width: 8 }} />
          </Indicator>
          <Text size="xs" c="dimmed">
            {t(`chat.mode.${feed.mode}`)}
          </Text>
        </Group>
      </Group>
      {noRoom && (
        <Alert color="yellow" radius={0} py={6} data-testid="no-room">
          <Group gap="xs" justify="space-between">
            <Text size="sm">{t('chat.noRoom', { ref: incidentRef })}</Text>
            {!viewer && (
              <Button size="compact-xs" variant="light" color="yellow" loading={openRoom.isPending} onClick={() => openRoom.mutate(undefined)}>
                {t('rooms.open')}
              </Button>
            )}
          </Group>
        </Alert>
      )}
      <Box pos="relative">
        <ScrollArea viewportRef={viewport} viewportProps={{ tabIndex: 0, 'aria-label': t('chat.logLabel') }} className={classes.scroll} onScrollPositionChange={({ y }) => {
          const el = viewport.current;
          atBottom.current = !el || el.scrollHeight - y - el.clientHeight < 60;
          if (atBottom.current) setBehind(false);
        }}>
          <Stack gap={0} className={classes.log} role="log" aria-label={t('chat.logLabel')}>
            {feed.loading && <QueryState isLoading error={null} />}
            {!feed.loading && feed.error != null && !messages.length && <QueryState isLoading={false} error={feed.error} />}
            {!feed.loading && !messages.length && !feed.error && (
              <Text size="sm" c="dimmed" ta="center" py="xl">
                {t('chat.empty')}
              </Text>
            )}
            {repliesAfter(0)}
            {messages.map((m, i) => {
              const prev = messages[i - 1];
              const continued = !!prev && prev.kind === 'human' && m.kind === 'human' && prev.author_label === m.author_label && new Date(m.created_at).getTime() - new Date(prev.created_at).getTime() < RUN_MS;
              return (
                <Fragment key={m.id}>
                  <ChatMessage message={m} continued={continued} />
                  {repliesAfter(m.id)}
                </Fragment>
              );
            })}
          </Stack>
        </ScrollArea>
        {behind && (
          <Button size="compact-xs" radius="xl" leftSection={<IconArrowDown size={12} />} pos="absolute" bottom={8} left="50%" style={{ transform: 'translateX(-50%)' }} onClick={toBottom}>
            {t('chat.newMessages')}
          </Button>
        )}
      </Box>
      <Box p="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
        {sendError && (
          <Alert color="red" py={4} mb={6} withCloseButton onClose={() => setSendError(null)} role="alert">
            <Text size="sm">{t('chat.failed', { message: sendError })}</Text>
          </Alert>
        )}
        <ChatInput disabled={!canPost} viewer={viewer} sending={sending} memberIds={memberIds} onSend={send} focusSignal={focusSignal} />
      </Box>
    </Paper>
  );
}
