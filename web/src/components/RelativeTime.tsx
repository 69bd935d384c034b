import { Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime, shortDuration } from './duration';
import { useNow } from './use-now';

/** "12m ago" that ticks, with the exact time on hover (formatted only when shown). */
export function RelativeTime({ at }: { at: string }) {
  const now = useNow();
  const { t, i18n } = useTranslation();
  const ms = now - new Date(at).getTime();
  // The shared clock may trail a fresh timestamp by up to a second: that is "just now", not the future.
  const label = ms > -2000 && ms < 5000 ? t('justNow') : ms >= 0 ? t('ago', { value: shortDuration(ms) }) : t('in', { value: shortDuration(ms) });
  return (
    <Tooltip label={<ExactTime at={at} language={i18n.language} />} withArrow>
      <time dateTime={at}>{label}</time>
    </Tooltip>
  );
}

function ExactTime({ at, language }: { at: string; language: string }) {
  return <>{formatDateTime(at, language)}</>;
}
