import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { common } from './common';
import { incidentsMessages } from '../features/incidents/messages';
import { incidentMessages } from '../features/incident/messages';
import { oncallMessages } from '../features/oncall/messages';
import { configMessages } from '../features/config/messages';
import { settingsMessages } from '../features/settings/messages';

export type Language = 'en' | 'zh';
export const LANGUAGES: Language[] = ['en', 'zh'];
const STORAGE_KEY = 'warroom.language';

/** The stored choice, else the browser's language. */
export function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return preferred.some((lang) => lang.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18n.changeLanguage(language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

const bundles = { common, incidents: incidentsMessages, incident: incidentMessages, oncall: oncallMessages, config: configMessages, settings: settingsMessages };

const language = initialLanguage();
void i18n.use(initReactI18next).init({
  lng: language,
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: Object.keys(bundles),
  resources: {
    en: Object.fromEntries(Object.entries(bundles).map(([ns, b]) => [ns, b.en])),
    zh: Object.fromEntries(Object.entries(bundles).map(([ns, b]) => [ns, b.zh])),
  },
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';

export default i18n;
