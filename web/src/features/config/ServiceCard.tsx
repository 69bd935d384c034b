import { Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconExternalLink, IconPlayerPlay } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useTeams, useUserName } from '../../api/catalog';
import { SEVERITIES } from '../../api/statuses';
import type { Severity } from '../../api/types';
import type { PolicyMap } from './queries';
import type { Policy, ServiceDetail } from './types';

const IMPACT_COLOR: Record<string, string> = { all_users: 'red', majority_users: 'orange', few_users: 'yellow', no_users: 'gray' };

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="xs" c="dimmed" w={96} style={{ flex: 'none' }} pt={2}>
        {label}
      </Text>
      <div style={{ minWidth: 0, flex: 1 }}>{children}</div>
    </Group>
  );
}

/** Links as the API gives them (a map or a list), with {service} filled in. */
function linksOf(service: ServiceDetail): { title: string; url: string }[] {
  const raw = Array.isArray(service.links) ? service.links.map((l) => ({ title: l.title ?? l.name ?? l.url, url: l.url })) : Object.entries(service.links ?? {}).map(([title, url]) => ({ title, url }));
  return raw.map((l) => ({ ...l, url: l.url.replaceAll('{service}', encodeURIComponent(service.id)) })).filter((l) => /^https?:\/\//.test(l.url));
}

/** The severities grouped by the policy that pages for them: "P0 → Payments critical · P1 P2 → Payments". */
function policyGroups(bySeverity: Partial<Record<Severity, string | null>>) {
  const groups = new Map<string, Severity[]>();
  for (const s of SEVERITIES) {
    if (!(s in bySeverity)) continue;
    const key = bySeverity[s] ?? '';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups];
}

export function ServiceCard({ service, services, policies, policyMap, policyKnown }: { service: ServiceDetail; services: ServiceDetail[]; policies: Policy[]; policyMap: PolicyMap; policyKnown: boolean }) {
  const { t } = useTranslation('config');
  const name = useUserName();
  const teams = useTeams().data ?? [];
  const team = teams.find((x) => x.id === service.team);
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;
  const dependents = services.filter((s) => s.depends_on.includes(service.id));
  const links = linksOf(service);
  const groups = policyGroups(policyMap[service.id] ?? {});

  return (
    <Card withBorder radius="md" padding="md" id={`service-${service.id}`} data-service={service.id} component="article" aria-labelledby={`service-title-${service.id}`}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap" mb={4}>
        <div style={{ minWidth: 0 }}>
          <Title order={2} size="h4" id={`service-title-${service.id}`}>
            {service.name}
          </Title>
          <Text size="xs" c="dimmed" ff="monospace">
            {service.id}
          </Text>
        </div>
        <Button component={Link} href={`/policies?service=${encodeURIComponent(service.id)}#simulate`} size="xs" variant="light" leftSection={<IconPlayerPlay size={14} />} style={{ flex: 'none' }} aria-label={t('services.simulateFor', { name: service.name })}>
          {t('services.simulate')}
        </Button>
      </Group>
      {service.description && (
        <Text size="sm" mb="sm">
          {service.description}
        </Text>
      )}
      <Stack gap={6}>
        <Row label={t('services.impact')}>
          <Badge color={IMPACT_COLOR[service.impact] ?? 'gray'} variant="light" tt="none">
            {t(`impact.${service.impact}`, { defaultValue: service.impact })}
          </Badge>
        </Row>
        <Row label={t('services.owner')}>
          <Text size="sm">{service.owner ? name(service.owner) : '—'}</Text>
        </Row>
        <Row label={t('services.team')}>
          <Text size="sm">{team?.name ?? service.team ?? '—'}</Text>
        </Row>
        <Row label={t('services.escalation')}>
          {!policyKnown ? (
            <Text size="sm" c="dimmed">{t('policy.usesUnknown')}</Text>
          ) : groups.length === 0 ? (
            <Text size="sm" c="dimmed">…</Text>
          ) : (
            <Stack gap={2}>
              {groups.map(([policyId, severities]) => (
                <Text size="sm" key={policyId}>
                  <Text span size="xs" fw={700} c="dimmed">{severities.join(' ')}</Text>{' → '}
                  {policyId === 'record' ? (
                    <Text span c="dimmed">{t('services.recordOnly')}</Text>
                  ) : policyId ? (
                    <Anchor component={Link} href={`/policies#policy-${policyId}`}>{policies.find((p) => p.id === policyId)?.name ?? policyId}</Anchor>
                  ) : (
                    <Text span c="red">{t('services.noPolicy')}</Text>
                  )}
                </Text>
              ))}
            </Stack>
          )}
        </Row>
        <Row label={t('services.dependsOn')}>
          {service.depends_on.length ? (
            <Group gap={4}>
              {service.depends_on.map((id) => (
                <Badge key={id} component="a" href={`#service-${id}`} variant="outline" color="gray" tt="none" style={{ cursor: 'pointer' }}>
                  {serviceName(id)}
                </Badge>
              ))}
            </Group>
          ) : (
            <Text size="sm" c="dimmed">—</Text>
          )}
        </Row>
        {dependents.length > 0 && (
          <Row label={t('services.usedBy')}>
            <Group gap={4}>
              {dependents.map((s) => (
                <Badge key={s.id} component="a" href={`#service-${s.id}`} variant="outline" color="gray" tt="none" style={{ cursor: 'pointer' }}>
                  {s.name}
                </Badge>
              ))}
            </Group>
          </Row>
        )}
        {links.length > 0 && (
          <Row label={t('services.links')}>
            <Group gap="sm">
              {links.map((l) => (
                <Anchor key={l.title} href={l.url} target="_blank" rel="noreferrer" size="sm">
                  <Group gap={2} wrap="nowrap" component="span">
                    {l.title}
                    <IconExternalLink size={12} aria-hidden />
                  </Group>
                </Anchor>
              ))}
            </Group>
          </Row>
        )}
        {service.chat_destinations && service.chat_destinations.length > 0 && (
          <Row label={t('services.chat')}>
            <Group gap={4}>
              {service.chat_destinations.map((c) => (
                <Badge key={`${c.provider}:${c.target}`} variant="light" color="cyan" tt="none">
                  {t(`channel.${c.provider}`, { defaultValue: c.provider })}: {c.target}
                </Badge>
              ))}
            </Group>
          </Row>
        )}
      </Stack>
    </Card>
  );
}
