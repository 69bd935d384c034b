import { Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTeams } from '../../api/catalog';
import { QueryState } from '../../components/QueryState';
import { usePolicies, useServiceDetails, useServicePolicies } from './queries';
import { ServiceCard } from './ServiceCard';

/** /services: the catalog as configured: owners, teams, impact, links, dependencies and who gets paged. */
export default function ServicesPage() {
  const { t } = useTranslation('config');
  const services = useServiceDetails();
  const policies = usePolicies();
  const teams = useTeams().data ?? [];
  const { map, known } = useServicePolicies(services.data);
  const [query, setQuery] = useState('');
  const needle = query.trim().toLowerCase();
  const list = (services.data ?? []).filter((s) => {
    if (!needle) return true;
    const team = teams.find((x) => x.id === s.team)?.name ?? '';
    return [s.id, s.name, s.description ?? '', team].some((v) => v.toLowerCase().includes(needle));
  });

  useEffect(() => {
    if (services.data && window.location.hash) document.getElementById(window.location.hash.slice(1))?.scrollIntoView({ block: 'start' });
  }, [services.data]);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} size="h2">
            {t('services.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('services.subtitle')}
          </Text>
        </div>
        <TextInput
          aria-label={t('services.search')}
          placeholder={t('services.search')}
          leftSection={<IconSearch size={16} />}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          w={{ base: '100%', xs: 260 }}
        />
      </Group>
      <QueryState isLoading={services.isLoading} error={services.error} retry={() => void services.refetch()} />
      {services.data && !list.length && <Text c="dimmed">{needle ? t('services.noMatch') : t('services.empty')}</Text>}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" data-testid="services-list" aria-live="polite">
        {list.map((service) => (
          <ServiceCard key={service.id} service={service} services={services.data ?? []} policies={policies.data ?? []} policyMap={map} policyKnown={known} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
