import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { statusColor } from '../api/statuses';

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor(status)} variant="dot" radius="sm" data-status={status}>
      {t(`status.${status}`, { defaultValue: status })}
    </Badge>
  );
}
