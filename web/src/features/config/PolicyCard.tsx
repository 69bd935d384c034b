import { Anchor, Badge, Card, Group, Stack, Text, ThemeIcon, Timeline, Title } from '@mantine/core';
import { IconClockHour4, IconRepeat, IconUrgent } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { SeverityBadge } from '../../components/SeverityBadge';
import type { Severity } from '../../api/types';
import { minutes } from './format';
import { TargetBadge } from './TargetBadge';
import type { Policy } from './types';

export interface PolicyUse {
  serviceId: string;
  serviceName: string;
  severities: Severity[];
}

/** One policy as a ladder: each level's targets, the wait before the next, repeats, the fallback. */
export function PolicyCard({ policy, uses, usesKnown }: { policy: Policy; uses: PolicyUse[]; usesKnown: boolean }) {
  const { t } = useTranslation('config');
  const last = policy.levels.length - 1;
  const afterLast = policy.repeat > 0 ? t('policy.thenRepeat', { count: policy.repeat }) : policy.fallback.length ? t('policy.thenFallback') : t('policy.thenStop');

  return (
    <Card withBorder radius="md" padding="md" id={`policy-${policy.id}`} data-policy={policy.id} component="article" aria-labelledby={`policy-title-${policy.id}`}>
      <Group justify="space-between" align="flex-start" gap="xs" mb="sm">
        <div>
          <Title order={2} size="h4" id={`policy-title-${policy.id}`}>
            {policy.name}
          </Title>
          <Text size="xs" c="dimmed" ff="monospace">
            {policy.id}
          </Text>
        </div>
        <Group gap={6}>
          {policy.repeat > 0 && (
            <Badge variant="light" color="indigo" leftSection={<IconRepeat size={12} aria-hidden />} tt="none">
              {t('policy.repeats', { count: policy.repeat })}
            </Badge>
          )}
          <Badge variant="outline" color="gray" tt="none">
            {t(`managedBy.${policy.managed_by}`, { defaultValue: policy.managed_by })}
          </Badge>
        </Group>
      </Group>

      <Timeline bulletSize={26} lineWidth={2} active={-1}>
        {policy.levels.map((level, i) => (
          <Timeline.Item
            key={i}
            bullet={<Text size="xs" fw={800}>{i + 1}</Text>}
            title={<Text size="sm" fw={700}>{t('policy.level', { n: i + 1 })}</Text>}
          >
            <Group gap={6} mt={4} wrap="wrap">
              {level.targets.map((target, j) => (
                <TargetBadge key={j} target={target} />
              ))}
            </Group>
            <Group gap={4} mt={6} c="dimmed">
              <IconClockHour4 size={14} aria-hidden />
              <Text size="xs">
                {i < last ? t('policy.after', { time: minutes(level.escalate_after), n: i + 2 }) : t('policy.afterLast', { time: minutes(level.escalate_after), then: afterLast })}
              </Text>
            </Group>
          </Timeline.Item>
        ))}
        {policy.fallback.length > 0 && (
          <Timeline.Item
            bullet={
              <ThemeIcon size={26} radius="xl" color="orange">
                <IconUrgent size={14} />
              </ThemeIcon>
            }
            title={<Text size="sm" fw={700}>{t('policy.fallback')}</Text>}
          >
            <Text size="xs" c="dimmed">
              {t('policy.fallbackHint')}
            </Text>
            <Group gap={6} mt={4}>
              {policy.fallback.map((target, j) => (
                <TargetBadge key={j} target={target} />
              ))}
            </Group>
          </Timeline.Item>
        )}
      </Timeline>

      <Stack gap={4} mt="md">
        <Text size="xs" fw={700} c="dimmed" tt="uppercase">
          {t('policy.usedBy')}
        </Text>
        {!usesKnown ? (
          <Text size="sm" c="dimmed">{t('policy.usesUnknown')}</Text>
        ) : uses.length === 0 ? (
          <Text size="sm" c="dimmed">{t('policy.unused')}</Text>
        ) : (
          <Group gap="xs" wrap="wrap">
            {uses.map((u) => (
              <Group key={u.serviceId} gap={4} wrap="nowrap">
                <Anchor component={Link} href={`/services#service-${u.serviceId}`} size="sm" fw={600}>
                  {u.serviceName}
                </Anchor>
                {u.severities.map((s) => (
                  <SeverityBadge key={s} severity={s} />
                ))}
              </Group>
            ))}
          </Group>
        )}
      </Stack>
    </Card>
  );
}
