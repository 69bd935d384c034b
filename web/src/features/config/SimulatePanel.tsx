import { Button, Group, Input, Paper, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, SEVERITY_COLOR } from '../../api/statuses';
import type { Severity } from '../../api/types';
import { QueryState } from '../../components/QueryState';
import { useViewerZone } from '../oncall/people';
import { fromInputValue, toInputValue } from '../oncall/zoned';
import { useServiceDetails, useSimulate } from './queries';
import { SimulateResult } from './SimulateResult';

/** "Who would be paged for service X, severity Y, at time T": the real planner, nobody acknowledging. */
export function SimulatePanel({ initialService }: { initialService: string | null }) {
  const { t } = useTranslation('config');
  const common = useTranslation().t;
  const zone = useViewerZone();
  const services = useServiceDetails();
  const simulate = useSimulate();
  const [picked, setService] = useState<string | null>(initialService);
  // Until someone picks, the first service is ready to go, so one click simulates.
  const service = picked ?? services.data?.[0]?.id ?? null;
  const [severity, setSeverity] = useState<Severity>('P1');
  const [at, setAt] = useState(() => toInputValue(Date.now(), zone));
  const atMs = fromInputValue(at, zone);
  const asked = useRef<string | null>(null);

  const run = (serviceId = service) => {
    if (!serviceId || atMs === null) return;
    simulate.mutate({ service: serviceId, severity, at: new Date(atMs).toISOString() });
  };

  // Arriving from a service's "simulate" link runs it at once.
  useEffect(() => {
    if (!initialService || asked.current === initialService) return;
    asked.current = initialService;
    setService(initialService);
    run(initialService);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialService]);

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="simulate-title" id="simulate">
      <Title order={2} size="h4" id="simulate-title">
        {t('simulate.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('simulate.hint')}
      </Text>
      <form
        data-testid="simulate-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <Stack gap="sm">
          <Select
            label={t('simulate.service')}
            placeholder={t('simulate.pickService')}
            data={(services.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={service}
            onChange={setService}
            searchable
            required
            name="service"
          />
          <Input.Wrapper label={t('simulate.severity')} id="simulate-severity">
            <SegmentedControl
              fullWidth
              value={severity}
              onChange={(v) => setSeverity(v as Severity)}
              aria-labelledby="simulate-severity-label"
              color={SEVERITY_COLOR[severity]}
              data={SEVERITIES.map((s) => ({
                value: s,
                label: (
                  <span title={common(`severity.${s}`)}>
                    {s}
                    <Text span inherit visibleFrom="xs">
                      {common(`severity.${s}`).replace(s, '')}
                    </Text>
                  </span>
                ),
              }))}
              data-testid="simulate-severity"
            />
          </Input.Wrapper>
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              type="datetime-local"
              label={t('simulate.at', { zone })}
              value={at}
              onChange={(e) => setAt(e.currentTarget.value)}
              error={atMs === null ? t('simulate.badTime') : undefined}
              name="at"
            />
            <Button variant="default" onClick={() => setAt(toInputValue(Date.now(), zone))}>
              {t('simulate.now')}
            </Button>
          </Group>
          <Button type="submit" leftSection={<IconPlayerPlay size={16} />} loading={simulate.isPending} disabled={!service || atMs === null}>
            {t('simulate.run')}
          </Button>
        </Stack>
      </form>
      <div aria-live="polite">
        {simulate.error && <QueryState isLoading={false} error={simulate.error} retry={() => run()} />}
        {simulate.data && <SimulateResult result={simulate.data} startedAt={Date.parse(simulate.variables?.at ?? "") || Date.now()} />}
      </div>
    </Paper>
  );
}
