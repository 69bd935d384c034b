import { Alert, Anchor, Grid, Stack } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError } from '../../api/client';
import { QueryState } from '../../components/QueryState';
import { useIncidentDetail, useNotifications, useRoom } from './api';
import { useRoomMessages } from './chat/use-room-messages';
import { IncidentHeader } from './header/IncidentHeader';
import { IncidentTabs, type TabKey, useTabInHash } from './main/IncidentTabs';
import { SideColumn } from './side/SideColumn';

/** /incidents/:ref — where responders run an incident. */
export default function IncidentPage({ incidentRef }: { incidentRef: string }) {
  const ref = incidentRef.toUpperCase();
  const { t } = useTranslation('incident');
  const detail = useIncidentDetail(ref);
  const room = useRoom(ref);
  const pages = useNotifications(ref);
  const feed = useRoomMessages(ref);
  const [tab, setTab] = useTabInHash();
  const [focusSignal, setFocusSignal] = useState(0);
  const memberIds = useMemo(() => new Set((room.data?.members ?? []).map((m) => m.user_id)), [room.data]);

  // c: straight to the war room's input (useHotkeys ignores keys typed into fields).
  useHotkeys([
    [
      'c',
      () => {
        setTab('chat');
        setFocusSignal((n) => n + 1);
      },
    ],
  ]);

  const incident = detail.data?.incident;
  useEffect(() => {
    if (!incident) return;
    const before = document.title;
    document.title = `${incident.ref} ${incident.title} · warroom`;
    return () => {
      document.title = before;
    };
  }, [incident?.ref, incident?.title]);

  if (!detail.data) {
    if (detail.error instanceof ApiError && detail.error.status === 404) {
      return (
        <Alert color="gray" title={t('notFound', { ref })} role="alert">
          <Anchor component={Link} href="/incidents">
            {t('header.back')}
          </Anchor>
        </Alert>
      );
    }
    return <QueryState isLoading={detail.isLoading} error={detail.error} retry={() => void detail.refetch()} />;
  }

  const { alerts, timeline, related } = detail.data;
  const escalating = pages.data?.escalation?.state === 'active';
  const peoplePaged = new Set((pages.data?.items ?? []).map((n) => n.user_id)).size;
  return (
    <Stack gap="md" maw={1400} mx="auto">
      <IncidentHeader incident={detail.data.incident} escalating={escalating} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }} miw={0}>
          <IncidentTabs
            incidentRef={ref}
            tab={tab as TabKey}
            onTab={setTab}
            timeline={timeline}
            alerts={alerts}
            feed={feed}
            memberIds={memberIds}
            focusSignal={focusSignal}
            peoplePaged={peoplePaged}
            noRoom={!!room.data && !room.data.rooms.some((r) => r.provider === 'web' && r.status !== 'failed')}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }} miw={0}>
          <SideColumn incidentRef={ref} incident={detail.data.incident} room={room.data} related={related} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
