import { Alert, Avatar, Badge, Group, Paper, Stack, Text, Timeline, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconBell, IconInfoCircle, IconUrgent } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../../api/catalog';
import { SeverityBadge } from '../../components/SeverityBadge';
import { useUserColor, useViewerZone } from '../oncall/people';
import { formatIn } from '../oncall/zoned';
import { offset } from './format';
import { usePolicies, useServiceDetails } from './queries';
import type { SimulatedStep, Simulation } from './types';

/** "level 2 (repeat 1)" and "fallback" from the step key (c<cycle>l<level>), in the reader's language. */
function stepLabel(step: SimulatedStep, t: TFunction): string {
  if (step.step === 'fallback') return t('policy.fallback');
  const m = /^c(\d+)l(\d+)$/.exec(step.step);
  if (!m) return step.label;
  const level = t('policy.level', { n: Number(m[2]) + 1 });
  return Number(m[1]) ? `${level} · ${t('simulate.repeat', { n: Number(m[1]) })}` : level;
}

/** The server explains each person in English; the known phrasings are shown in the reader's language. */
function reasonText(reason: string, t: TFunction): string {
  let m = /^on call in (.+?)(?: \((.+)\))?$/.exec(reason);
  if (m) return m[2] === 'override' ? t('reason.onCallOverride', { schedule: m[1] }) : m[2] ? t('reason.onCallLayer', { schedule: m[1], layer: m[2] }) : t('reason.onCall', { schedule: m[1] });
  m = /^member of team (.+)$/.exec(reason);
  if (m) return t('reason.team', { team: m[1] });
  if (reason === 'named in the policy') return t('reason.named');
  return reason;
}

/** The page plan: per step when it fires, who is reached, on which channel and when. */
export function SimulateResult({ result, startedAt }: { result: Simulation; startedAt: number }) {
  const { t, i18n } = useTranslation('config');
  const name = useUserName();
  const color = useUserColor();
  const zone = useViewerZone();
  const policy = usePolicies().data?.find((p) => p.id === result.policy);
  const service = useServiceDetails().data?.find((s) => s.id === result.service);
  const people = new Set(result.steps.flatMap((s) => s.users.map((u) => u.user_id)));
  const lastAt = result.steps.at(-1) ? Date.parse(result.steps.at(-1)!.at) - startedAt : 0;

  return (
    <Stack gap="sm" mt="md" data-testid="simulate-result">
      <Group gap={6} wrap="wrap">
        <Text fw={700}>{service?.name ?? result.service}</Text>
        <SeverityBadge severity={result.severity} />
        {result.policy && (
          <Badge variant="light" color="indigo" tt="none" component="a" href={`#policy-${result.policy}`} style={{ cursor: 'pointer' }}>
            {policy?.name ?? result.policy}
          </Badge>
        )}
        <Text size="xs" c="dimmed">
          {formatIn(startedAt, zone, i18n.language)}
        </Text>
      </Group>
      {result.note && (
        <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />} p="xs">
          <Text size="sm">{result.note.includes('record-only') ? t('simulate.recordOnly', { severity: result.severity }) : result.note.includes('no escalation policy') ? t('simulate.noPolicy') : result.note}</Text>
        </Alert>
      )}
      {result.steps.length > 0 && (
        <Text size="sm">
          {t('simulate.summary', { steps: result.steps.length, people: people.size, last: offset(lastAt) })}
        </Text>
      )}
      <Timeline bulletSize={22} lineWidth={2} active={-1}>
        {result.steps.map((step) => (
          <Timeline.Item
            key={step.step}
            bullet={step.step === 'fallback' ? <IconUrgent size={12} /> : <IconBell size={12} />}
            title={
              <Group gap={6}>
                <Text size="sm" fw={700}>{stepLabel(step, t)}</Text>
                <Text size="xs" c="dimmed">
                  {offset(Date.parse(step.at) - startedAt)} · {formatIn(step.at, zone, i18n.language)}
                </Text>
              </Group>
            }
          >
            {step.users.length === 0 ? (
              <Group gap={6} c="red" mt={4}>
                <IconAlertTriangle size={16} aria-hidden />
                <Text size="sm" fw={600}>{t('simulate.nobody')}</Text>
              </Group>
            ) : (
              <Stack gap={6} mt={4}>
                {step.users.map((u) => (
                  <Paper key={u.user_id} withBorder p={6} radius="sm" data-user={u.user_id}>
                    <Group gap={8} wrap="nowrap" align="flex-start">
                      <Avatar size={26} radius="xl" color={color(u.user_id)} variant="filled" name={name(u.user_id)} aria-hidden />
                      <div style={{ minWidth: 0 }}>
                        <Text size="sm" fw={700}>{name(u.user_id)}</Text>
                        <Text size="xs" c="dimmed">{reasonText(u.reason, t)}</Text>
                        <Group gap={4} mt={4} wrap="wrap">
                          {u.channels.map((c) => (
                            <Badge key={c.channel} size="sm" variant="light" tt="none" data-channel={c.channel}>
                              {t(`channel.${c.channel}`, { defaultValue: c.channel })} {offset(Date.parse(c.at) - startedAt)}
                            </Badge>
                          ))}
                          {u.skipped.map((c) => (
                            <Tooltip key={c.channel} label={c.reason} withArrow>
                              <Badge size="sm" variant="outline" color="gray" tt="none" td="line-through" tabIndex={0} aria-label={`${t('simulate.skipped')}: ${t(`channel.${c.channel}`, { defaultValue: c.channel })}, ${c.reason}`}>
                                {t(`channel.${c.channel}`, { defaultValue: c.channel })}
                              </Badge>
                            </Tooltip>
                          ))}
                        </Group>
                      </div>
                    </Group>
                  </Paper>
                ))}
              </Stack>
            )}
          </Timeline.Item>
        ))}
      </Timeline>
    </Stack>
  );
}
