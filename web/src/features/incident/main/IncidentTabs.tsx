import { Badge, Tabs } from '@mantine/core';
import { IconBellRinging, IconFileText, IconListDetails, IconMessages, IconAlertTriangle } from '@tabler/icons-react';
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert, TimelineEvent } from '../../../api/types';
import { RoomChat, type RoomFeed } from '../chat/RoomChat';
import { AlertsList } from './AlertsList';
import { PagesList } from './PagesList';
import { TimelineSection } from './TimelineSection';
import { QueryState } from '../../../components/QueryState';
import classes from './main.module.css';

// The markdown renderer is most of this page's weight: it loads when the Document tab is first opened.
const DocumentView = lazy(() => import('./DocumentView').then((m) => ({ default: m.DocumentView })));

export const TABS = ['timeline', 'chat', 'alerts', 'pages', 'document'] as const;
export type TabKey = (typeof TABS)[number];

/** The open tab lives in the URL's hash (#chat), so a link can open the war room directly. */
export function useTabInHash(): [TabKey, (tab: TabKey) => void] {
  const read = (): TabKey => {
    const hash = window.location.hash.slice(1);
    return (TABS as readonly string[]).includes(hash) ? (hash as TabKey) : 'timeline';
  };
  const [tab, setTabState] = useState<TabKey>(read);
  const setTab = useCallback((next: TabKey) => {
    setTabState(next);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#${next}`);
  }, []);
  return [tab, setTab];
}

/** Human messages that arrived while another tab was open. */
function useUnread(feed: RoomFeed, watching: boolean): number {
  const seen = useRef<number | null>(null);
  const lastId = feed.messages[feed.messages.length - 1]?.id ?? 0;
  useEffect(() => {
    if (!feed.loading && (seen.current === null || watching)) seen.current = lastId;
  }, [feed.loading, watching, lastId]);
  if (seen.current === null || watching) return 0;
  const from = seen.current;
  return feed.messages.filter((m) => m.id > from && m.kind === 'human').length;
}

interface Props {
  incidentRef: string;
  tab: TabKey;
  onTab: (tab: TabKey) => void;
  timeline: TimelineEvent[];
  alerts: Alert[];
  feed: RoomFeed;
  memberIds: Set<string>;
  focusSignal: number;
  peoplePaged: number;
  noRoom: boolean;
}

export function IncidentTabs({ incidentRef, tab, onTab, timeline, alerts, feed, memberIds, focusSignal, peoplePaged, noRoom }: Props) {
  const { t } = useTranslation('incident');
  const unread = useUnread(feed, tab === 'chat');
  const [seenDocument, setSeenDocument] = useState(tab === 'document');
  useEffect(() => {
    if (tab === 'document') setSeenDocument(true);
  }, [tab]);
  const firing = alerts.filter((a) => a.status === 'firing').length;
  const count = (n: number, color = 'gray') =>
    n > 0 ? (
      <Badge size="xs" variant={color === 'gray' ? 'light' : 'filled'} color={color} radius="sm" ml={2}>
        {n}
      </Badge>
    ) : null;
  return (
    <Tabs value={tab} onChange={(v) => v && onTab(v as TabKey)} keepMounted variant="outline">
      <Tabs.List className={classes.tabList}>
        <Tabs.Tab value="timeline" leftSection={<IconListDetails size={16} />}>
          {t('tabs.timeline')}
        </Tabs.Tab>
        <Tabs.Tab value="chat" leftSection={<IconMessages size={16} />} rightSection={count(unread, 'red')} title={unread ? t('tabs.chatUnread', { count: unread }) : undefined}>
          {t('tabs.chat')}
        </Tabs.Tab>
        <Tabs.Tab value="alerts" leftSection={<IconAlertTriangle size={16} />} rightSection={count(alerts.length, firing ? 'red' : 'gray')}>
          {t('tabs.alerts')}
        </Tabs.Tab>
        <Tabs.Tab value="pages" leftSection={<IconBellRinging size={16} />} rightSection={count(peoplePaged)}>
          {t('tabs.pages')}
        </Tabs.Tab>
        <Tabs.Tab value="document" leftSection={<IconFileText size={16} />}>
          {t('tabs.document')}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="timeline" pt="sm">
        <TimelineSection events={timeline} />
      </Tabs.Panel>
      <Tabs.Panel value="chat" pt="sm">
        <RoomChat incidentRef={incidentRef} feed={feed} memberIds={memberIds} active={tab === 'chat'} focusSignal={focusSignal} noRoom={noRoom} />
      </Tabs.Panel>
      <Tabs.Panel value="alerts" pt="sm">
        <AlertsList alerts={alerts} />
      </Tabs.Panel>
      <Tabs.Panel value="pages" pt="sm">
        <PagesList incidentRef={incidentRef} />
      </Tabs.Panel>
      <Tabs.Panel value="document" pt="sm">
        {tab === 'document' || seenDocument ? (
          <Suspense fallback={<QueryState isLoading error={null} />}>
            <DocumentView incidentRef={incidentRef} active={tab === 'document'} />
          </Suspense>
        ) : null}
      </Tabs.Panel>
    </Tabs>
  );
}
