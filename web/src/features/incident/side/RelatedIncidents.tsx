import { Anchor, Divider, Group, Stack, Text } from '@mantine/core';
import { IconExternalLink, IconStethoscope } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { RelatedIncident, Severity } from '../../../api/types';
import { SEVERITIES } from '../../../api/statuses';
import { SeverityBadge } from '../../../components/SeverityBadge';
import { StatusBadge } from '../../../components/StatusBadge';
import { useSimilar } from '../api';
import { useActorName } from '../use-actor-name';
import { SidePanel } from './SidePanel';

const isSeverity = (s: string): s is Severity => (SEVERITIES as string[]).includes(s);
const safe = (url: string) => /^https?:\/\//i.test(url) || url.startsWith('/');
/** Links to this console's own incidents stay in the app; others open in a new tab. */
const localPath = (url: string): string | null => {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin && parsed.pathname.startsWith('/incidents/') ? parsed.pathname : null;
  } catch {
    return null;
  }
};

function Subheading({ children }: { children: string }) {
  return (
    <Text size="xs" c="dimmed" tt="uppercase" fw={700} component="h3" m={0}>
      {children}
    </Text>
  );
}

/** Incidents linked to this one, resolved ones that looked alike, and where to look first. */
export function RelatedIncidents({ incidentRef, related }: { incidentRef: string; related: RelatedIncident[] }) {
  const { t } = useTranslation('incident');
  const similar = useSimilar(incidentRef);
  const actorName = useActorName();
  const past = similar.data?.similar ?? [];
  const links = (similar.data?.links ?? []).filter((l) => safe(l.url));
  if (!related.length && !past.length && !links.length) return null;
  return (
    <SidePanel title={t('related.title')} testId="related">
      <Stack gap="xs">
        {links.length > 0 && (
          <>
            <Subheading>{t('related.links')}</Subheading>
            <Group gap="xs" wrap="wrap" data-testid="diagnostic-links">
              {links.map((l) => (
                <Anchor key={l.url + l.title} href={l.url} target="_blank" rel="noopener noreferrer" size="sm">
                  <Group gap={4} wrap="nowrap">
                    <IconStethoscope size={14} aria-hidden />
                    {l.title}
                    <IconExternalLink size={11} aria-hidden />
                  </Group>
                </Anchor>
              ))}
            </Group>
          </>
        )}
        {related.length > 0 && (
          <>
            {links.length > 0 && <Divider />}
            <Subheading>{t('related.linked')}</Subheading>
            {related.map((r) => (
              <Stack key={r.id} gap={2} data-testid="related-incident">
                <Group gap={6} wrap="wrap">
                  {isSeverity(r.severity) && <SeverityBadge severity={r.severity} />}
                  <Anchor component={Link} href={`/incidents/${r.ref}`} size="sm" ff="monospace" fw={600}>
                    {r.ref}
                  </Anchor>
                  <StatusBadge status={r.status} />
                </Group>
                <Text size="sm" lineClamp={2}>
                  {r.title}
                </Text>
                <Text size="xs" c="dimmed">
                  {r.reason}
                </Text>
              </Stack>
            ))}
          </>
        )}
        {past.length > 0 && (
          <>
            {(links.length > 0 || related.length > 0) && <Divider />}
            <Subheading>{t('related.similar')}</Subheading>
            {past.map((s) => {
              const local = localPath(s.url);
              return (
                <Stack key={s.ref} gap={2} data-testid="similar-incident">
                  <Group gap={6} wrap="nowrap">
                    {local ? (
                      <Anchor component={Link} href={local} size="sm" ff="monospace" fw={600} style={{ flex: 'none' }}>
                        {s.ref}
                      </Anchor>
                    ) : (
                      <Anchor href={safe(s.url) ? s.url : undefined} target="_blank" rel="noopener noreferrer" size="sm" ff="monospace" fw={600} style={{ flex: 'none' }}>
                        {s.ref}
                      </Anchor>
                    )}
                    <Text size="sm" lineClamp={1} miw={0}>
                      {s.title}
                    </Text>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {s.why}
                    {s.resolved_by ? ` · ${t('related.resolvedBy', { name: actorName(s.resolved_by) })}` : ''}
                  </Text>
                </Stack>
              );
            })}
          </>
        )}
      </Stack>
    </SidePanel>
  );
}
