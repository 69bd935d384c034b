import { Anchor, Badge, Box, Group, Paper, SimpleGrid, Text } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SEVERITY_COLOR } from '../../../api/statuses';
import { SeverityBadge } from '../../../components/SeverityBadge';
import { StatusBadge } from '../../../components/StatusBadge';
import { formatDateTime } from '../../../components/duration';
import type { MessageDoc } from '../types';
import classes from './chat.module.css';

export const isDoc = (doc: unknown): doc is MessageDoc => !!doc && typeof doc === 'object' && typeof (doc as MessageDoc).title === 'string' && typeof (doc as MessageDoc).severity === 'string';

// Cards carry timestamps as ISO text (chat platforms render them as-is); here they read as local time.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const fieldText = (value: string, language: string) => (ISO_TIME.test(value) ? formatDateTime(value, language) : value);

const safeUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

/**
 * The live incident card as a compact block: severity stripe, title, status, fields, links. Its buttons
 * (acknowledge, resolve…) are the page's own buttons in the header, so only links are shown here.
 */
export function MessageCard({ doc }: { doc: MessageDoc }) {
  const { t, i18n } = useTranslation('incident');
  const color = SEVERITY_COLOR[doc.severity] ?? 'gray';
  const fields = doc.fields ?? [];
  const links = (doc.links ?? []).filter((l) => safeUrl(l.url));
  return (
    <Paper withBorder p="xs" className={classes.card} style={{ borderLeftColor: `var(--mantine-color-${color}-6)` }} data-testid="room-card" maw={560}>
      <Group gap={6} wrap="wrap" mb={4}>
        <SeverityBadge severity={doc.severity} />
        {doc.status && <StatusBadge status={doc.status} />}
        {doc.incidentRef && (
          <Text size="xs" ff="monospace" c="dimmed">
            {doc.incidentRef}
          </Text>
        )}
        <Badge size="xs" variant="default" radius="sm">
          {t(`chat.cardKind.${doc.kind}`, { defaultValue: doc.kind })}
        </Badge>
      </Group>
      <Text size="sm" fw={600} className={classes.text}>
        {doc.title}
      </Text>
      {doc.summary && (
        <Text size="sm" c="dimmed" className={classes.text}>
          {doc.summary}
        </Text>
      )}
      {fields.length > 0 && (
        <SimpleGrid cols={2} spacing={4} verticalSpacing={2} mt={6} component="dl" className={classes.fields}>
          {fields.map((f, i) => (
            <Box key={i}>
              <Text component="dt" size="xs" c="dimmed">
                {f.label}
              </Text>
              <Text component="dd" size="xs" className={classes.text}>
                {fieldText(f.value, i18n.language)}
              </Text>
            </Box>
          ))}
        </SimpleGrid>
      )}
      {links.length > 0 && (
        <Group gap="xs" mt={6} wrap="wrap">
          {links.map((l) => (
            <Anchor key={l.url} href={l.url} target="_blank" rel="noopener noreferrer" size="xs">
              <Group gap={2} wrap="nowrap">
                {l.label}
                <IconExternalLink size={11} aria-hidden />
              </Group>
            </Anchor>
          ))}
        </Group>
      )}
      {doc.footer && (
        <Text size="xs" c="dimmed" mt={4}>
          {doc.footer}
        </Text>
      )}
    </Paper>
  );
}
