import { Button, Collapse, Group, List, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconGavel, IconPlus } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { useCan } from '../../../auth/session';
import { RelativeTime } from '../../../components/RelativeTime';
import { incidentPath, useDecisions, useIncidentMutation } from '../api';
import { useActorName } from '../use-actor-name';
import { SidePanel } from './SidePanel';

function AddDecision({ incidentRef, onDone }: { incidentRef: string; onDone: () => void }) {
  const { t } = useTranslation('incident');
  const [summary, setSummary] = useState('');
  const [rationale, setRationale] = useState('');
  const add = useIncidentMutation(incidentRef, (body: object) => api.post(`${incidentPath(incidentRef)}/decisions`, body), { success: () => t('done.decision') });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!summary.trim()) return;
    add.mutate(
      { summary: summary.trim(), rationale: rationale.trim() || null, source: 'ui' },
      {
        onSuccess: () => {
          setSummary('');
          setRationale('');
          onDone();
        },
      },
    );
  };
  return (
    <form onSubmit={submit}>
      <Stack gap={6} mt="xs">
        <TextInput size="xs" label={t('decisions.summary')} placeholder={t('decisions.summaryPlaceholder')} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} maxLength={2000} data-testid="decision-input" data-autofocus />
        <Textarea size="xs" label={t('decisions.rationale')} value={rationale} onChange={(e) => setRationale(e.currentTarget.value)} autosize minRows={1} maxRows={4} maxLength={4000} />
        <Group justify="flex-end" gap={6}>
          <Button size="xs" variant="default" onClick={onDone}>
            {t('common:cancel')}
          </Button>
          <Button type="submit" size="xs" loading={add.isPending} disabled={!summary.trim()} data-testid="decision-add">
            {t('decisions.record')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What was decided, why, and what else was considered. */
export function Decisions({ incidentRef }: { incidentRef: string }) {
  const { t } = useTranslation('incident');
  const can = useCan('responder');
  const actorName = useActorName();
  const query = useDecisions(incidentRef);
  const [adding, form] = useDisclosure(false);
  const items = query.data ?? [];
  const action = can && !adding && (
    <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={12} />} onClick={form.open} data-testid="decision-new">
      {t('add')}
    </Button>
  );
  return (
    <SidePanel title={t('decisions.title')} count={items.length} action={action} testId="decisions">
      <Stack gap={10} component="ol" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-live="polite">
        {!items.length && !query.isLoading && (
          <Text component="li" size="sm" c="dimmed">
            {t('decisions.empty')}
          </Text>
        )}
        {items.map((d) => (
          <Group key={d.id} component="li" gap="xs" wrap="nowrap" align="flex-start" data-testid="decision">
            <IconGavel size={16} aria-hidden style={{ flex: 'none', marginTop: 2, color: 'var(--mantine-color-violet-6)' }} />
            <Stack gap={2} miw={0} style={{ flex: 1 }}>
              <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                {d.summary}
              </Text>
              {d.rationale && (
                <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                  {t('decisions.because', { why: d.rationale })}
                </Text>
              )}
              {d.alternatives.length > 0 && (
                <>
                  <Text size="xs" c="dimmed">
                    {t('decisions.alternatives')}
                  </Text>
                  <List size="xs" c="dimmed" withPadding>
                    {d.alternatives.map((a) => (
                      <List.Item key={a}>{a}</List.Item>
                    ))}
                  </List>
                </>
              )}
              <Text size="xs" c="dimmed">
                {actorName(d.decided_by)} · <RelativeTime at={d.decided_at} />
              </Text>
            </Stack>
          </Group>
        ))}
      </Stack>
      <Collapse expanded={adding}>{adding && <AddDecision incidentRef={incidentRef} onDone={form.close} />}</Collapse>
    </SidePanel>
  );
}
