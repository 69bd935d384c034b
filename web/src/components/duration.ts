import i18n from 'i18next';

const UNITS = {
  en: { s: 's', m: 'm', h: 'h', d: 'd', gap: ' ' },
  zh: { s: '秒', m: '分钟', h: '小时', d: '天', gap: '' },
};

/** A short human duration in the page's language: 45s, 12m, 3h 5m, 2d 4h / 45秒, 12分钟, 3小时5分钟. */
export function shortDuration(ms: number, language: string = i18n.language): string {
  const u = language === 'zh' ? UNITS.zh : UNITS.en;
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  if (s < 60) return `${s}${u.s}`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}${u.m}`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}${u.h}${u.gap}${m % 60}${u.m}` : `${h}${u.h}`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}${u.d}${u.gap}${h % 24}${u.h}` : `${d}${u.d}`;
}

/** A clock-style countdown: 4:05 or 1:02:03. */
export function clockDuration(ms: number): string {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

// Building an Intl formatter is the slow part of toLocaleString, so keep one per language.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(iso: string, language: string): string {
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB';
  let format = formatters.get(locale);
  if (!format) formatters.set(locale, (format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })));
  return format.format(new Date(iso));
}
