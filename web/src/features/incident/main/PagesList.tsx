import { Avatar, Badge, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconBell, IconBrandSlack, IconDeviceMobileMessage, IconInbox, IconMail, IconMessages, IconPhone, IconWebhook, type Icon } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../../../api/catalog';
import { QueryState } from '../../../components/QueryState';
import { RelativeTime } from '../../../components/RelativeTime';
import { useNotifications } from '../api';
import type { NotificationStatus, PageNotification } from '../types';
import { EscalationSummary } from './EscalationSummary';
import classes from './main.module.css';

const STATUS_COLOR: Record<NotificationStatus, string> = {
  scheduled: 'gray',
  sending: 'blue',
  sent: 'green',
  retrying: 'orange',
  failed: 'red',
  suppressed: 'gray',
  cancelled: 'gray',
  digested: 'cyan',
};

const CHANNEL_ICON: Record<string, Icon> = {
  sms: IconDeviceMobileMessage,
  voice: IconPhone,
  email: IconMail,
  webhook: IconWebhook,
  web: IconInbox,
  slack: IconBrandSlack,
  im: IconMessages,
  feishu: IconMessages,
  dingtalk: IconMessages,
  wecom: IconMessages,
};

/** Notifications grouped per person, then per channel (latest attempt first). */
function groupPages(items: PageNotification[]): [string, [string, PageNotification[]][]][] {
  const people = new Map<string, Map<string, PageNotification[]>>();
  for (const n of items) {
    const channels = people.get(n.user_id) ?? new Map<string, PageNotification[]>();
    channels.set(n.channel, [n, ...(channels.get(n.channel) ?? [])]);
    people.set(n.user_id, channels);
  }
  return [...people].map(([user, channels]) => [user, [...channels]]);
}

function ChannelRow({ channel, pages }: { channel: string; pages: PageNotification[] }) {
  const { t } = useTranslation('incident');
  const latest = pages[0]!;
  const ChannelIcon = CHANNEL_ICON[channel] ?? IconBell;
  const history = pages.map((p) => `${t(`pages.status.${p.status}`)} · ${t('pages.step', { step: p.step })}${p.reason ? ` · ${p.reason}` : ''}`).join('\n');
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="page-row" data-channel={channel} data-status={latest.status}>
      <ChannelIcon size={16} aria-hidden style={{ flex: 'none', marginTop: 3 }} />
      <Stack gap={0} miw={0} style={{ flex: 1 }}>
        <Group gap={6} wrap="wrap">
          <Text size="sm" fw={500} w={72}>
            {t(`pages.channel.${channel}`, { defaultValue: channel })}
          </Text>
          <Badge color={STATUS_COLOR[latest.status]} variant={latest.status === 'failed' ? 'filled' : 'light'} radius="sm" size="sm">
            {t(`pages.status.${latest.status}`, { defaultValue: latest.status })}
          </Badge>
          <Text size="xs" c="dimmed">
            {latest.sent_at ? <RelativeTime at={latest.sent_at} /> : <RelativeTime at={latest.scheduled_at} />}
          </Text>
          {latest.attempts > 1 && (
            <Text size="xs" c="dimmed">
              {t('pages.attempts', { count: latest.attempts })}
            </Text>
          )}
          {pages.length > 1 && (
            <Tooltip label={<span style={{ whiteSpace: 'pre-line' }}>{history}</span>} multiline w={300}>
              <Text size="xs" c="dimmed" td="underline" style={{ textDecorationStyle: 'dotted' }} tabIndex={0}>
                {t('pages.more', { count: pages.length - 1 })}
              </Text>
            </Tooltip>
          )}
        </Group>
        {latest.reason && (
          <Text size="xs" c={latest.status === 'failed' ? 'red' : 'dimmed'} className={classes.wrapText}>
            {latest.reason}
          </Text>
        )}
      </Stack>
    </Group>
  );
}

/** Who was paged, on which channel, and what became of each page. */
export function PagesList({ incidentRef }: { incidentRef: string }) {
  const { t } = useTranslation('incident');
  const name = useUserName();
  const query = useNotifications(incidentRef);
  if (!query.data) return <QueryState isLoading={query.isLoading} error={query.error} retry={() => void query.refetch()} />;
  const people = groupPages(query.data.items);
  return (
    <Stack gap="sm">
      <EscalationSummary escalation={query.data.escalation} />
      <Stack gap="xs" component="ul" className={classes.plainList} data-testid="pages-list">
        {!people.length && (
          <Text component="li" size="sm" c="dimmed" ta="center" py="md">
            {t('pages.empty')}
          </Text>
        )}
        {people.map(([user, channels]) => (
          <Paper component="li" key={user} withBorder p="sm" data-testid="page-person" data-user={user}>
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <Avatar size="sm" radius="xl" color="initials" name={name(user)} />
              <Stack gap={6} miw={0} style={{ flex: 1 }}>
                <Text fw={600} size="sm">
                  {name(user)}
                </Text>
                {channels.map(([channel, pages]) => (
                  <ChannelRow key={channel} channel={channel} pages={pages} />
                ))}
              </Stack>
            </Group>
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}
