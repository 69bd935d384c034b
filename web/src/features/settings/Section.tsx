import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** One card of the settings page: an h2, a line of explanation, an optional action on the right. */
export function Section({ title, text, action, children, testId }: { title: string; text?: string; action?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title} data-testid={testId}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <div>
            <Title order={2} fz="h4">
              {title}
            </Title>
            {text && (
              <Text size="sm" c="dimmed" mt={2}>
                {text}
              </Text>
            )}
          </div>
          {action}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}
