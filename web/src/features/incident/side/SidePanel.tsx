import { Badge, Group, Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled block of the side column. */
export function SidePanel({ title, count, action, children, testId }: { title: string; count?: number; action?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={title} data-testid={testId}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <Title order={2} fz="sm" fw={700}>
            {title}
          </Title>
          {count !== undefined && count > 0 && (
            <Badge size="sm" variant="light" color="gray" radius="sm">
              {count}
            </Badge>
          )}
        </Group>
        {action}
      </Group>
      {children}
    </Paper>
  );
}
