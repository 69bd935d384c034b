import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { SEVERITY_COLOR } from '../api/statuses';
import type { Severity } from '../api/types';

export function SeverityBadge({ severity, long = false }: { severity: Severity; long?: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge color={SEVERITY_COLOR[severity]} variant={severity === 'P0' ? 'filled' : 'light'} radius="sm" title={t(`severity.${severity}`)} data-severity={severity}>
      {long ? t(`severity.${severity}`) : severity}
    </Badge>
  );
}
