import { useTranslation } from 'react-i18next';
import { useUserName } from '../../api/catalog';

/** Timeline actors are "system", "user:alice", "token:ci"…: people get their names, warroom its own. */
export function useActorName(): (actor: string) => string {
  const name = useUserName();
  const { t } = useTranslation('incident');
  return (actor) => {
    if (actor === 'system') return t('warroom');
    const [type, ...rest] = actor.split(':');
    const id = rest.join(':');
    if (type === 'user' && id) return name(id);
    return id || actor;
  };
}

/** "14:05" for today, "3 Mar 14:05" for other days, in the reader's language. */
export function shortTime(iso: string, language: string, withDate = false): string {
  const date = new Date(iso);
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB';
  const time = date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const today = new Date().toDateString() === date.toDateString();
  if (!withDate && today) return time;
  return `${date.toLocaleDateString(locale, { month: 'short', day: 'numeric' })} ${time}`;
}
