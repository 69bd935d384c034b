import { Badge, Group, Text } from '@mantine/core';
import { IconArrowBigUpLines } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { RelativeTime } from '../../../components/RelativeTime';
import type { EscalationState } from '../types';

const STATE_COLOR: Record<EscalationState['state'], string> = { active: 'red', acknowledged: 'yellow', resolved: 'green', exhausted: 'gray' };

/** Which policy pages, at which level, and when the next level is due. */
export function EscalationSummary({ escalation }: { escalation: EscalationState | null }) {
  const { t } = useTranslation('incident');
  if (!escalation) {
    return (
      <Text size="sm" c="dimmed">
        {t('pages.noEscalation')}
      </Text>
    );
  }
  return (
    <Group gap="xs" wrap="wrap" data-testid="escalation-summary" data-state={escalation.state}>
      <IconArrowBigUpLines size={16} aria-hidden />
      <Text size="sm">{t('pages.policy', { policy: escalation.policy })}</Text>
      <Badge color={STATE_COLOR[escalation.state]} variant="light" radius="sm" size="sm">
        {t(`pages.state.${escalation.state}`)}
      </Badge>
      {escalation.fallback && (
        <Badge color="orange" variant="outline" radius="sm" size="sm">
          {t('pages.fallback')}
        </Badge>
      )}
      {escalation.state === 'active' && escalation.next_step_at && (
        <Text size="sm" c="dimmed">
          {t('pages.nextStep', { level: escalation.level + 1 })} <RelativeTime at={escalation.next_step_at} />
        </Text>
      )}
    </Group>
  );
}
