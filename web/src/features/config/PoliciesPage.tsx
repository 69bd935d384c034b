import { Grid, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearch } from 'wouter';
import { QueryState } from '../../components/QueryState';
import { PolicyCard } from './PolicyCard';
import { policyUses } from './policy-uses';
import { usePolicies, useServiceDetails, useServicePolicies } from './queries';
import { SimulatePanel } from './SimulatePanel';

/** /policies: every escalation policy as a ladder, and the simulator beside them. */
export default function PoliciesPage() {
  const { t } = useTranslation('config');
  const policies = usePolicies();
  const services = useServiceDetails();
  const { map, known } = useServicePolicies(services.data);
  const uses = useMemo(() => policyUses(services.data ?? [], map), [services.data, map]);
  const initialService = new URLSearchParams(useSearch()).get('service');

  // Links like /policies#policy-payments land on that policy once it is drawn.
  useEffect(() => {
    if (policies.data && window.location.hash) document.getElementById(window.location.hash.slice(1))?.scrollIntoView({ block: 'start' });
  }, [policies.data]);

  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {t('policies.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('policies.subtitle')}
        </Text>
      </div>
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, md: 7 }} order={{ base: 2, md: 1 }}>
          <Stack gap="md" data-testid="policies-list">
            <QueryState isLoading={policies.isLoading} error={policies.error} retry={() => void policies.refetch()} />
            {policies.data?.length === 0 && <Text c="dimmed">{t('policies.empty')}</Text>}
            {policies.data?.map((policy) => (
              <PolicyCard key={policy.id} policy={policy} uses={uses.get(policy.id) ?? []} usesKnown={known} />
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }} order={{ base: 1, md: 2 }}>
          <SimulatePanel initialService={initialService} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
