import { Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime, shortDuration } from './duration';
import { useNow } from './use-now';

/** "12m ago" that ticks, with the exact time on hover. */
export function RelativeTime({ at }: { at: string }) {
  const now = useNow();
  const { t, i18n } = useTranslation();
  const ms = now - new Date(at).getTime();
  const value = shortDuration(ms);
  return (
    <Tooltip label={formatDateTime(at, i18n.language)} withArrow>
      <time dateTime={at}>{ms >= 0 ? t('ago', { value }) : t('in', { value })}</time>
    </Tooltip>
  );
}
