// English text is the key (as in the OpenShift console); each area adds its Japanese in i18n/ja-<area>.ts.
// The chosen language is remembered in localStorage.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ja } from './ja';

const KEY = 'virtnet.lang';
export type Lang = 'en' | 'ja';

/** Marks an English text that is translated later, where it is rendered (`t(label)`). */
export const tKey = (text: string): string => text;

export function savedLanguage(): Lang {
  const v = localStorage.getItem(KEY);
  if (v === 'en' || v === 'ja') return v;
  return navigator.language.startsWith('ja') ? 'ja' : 'en';
}

export function setLanguage(lang: Lang): void {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: {} }, ja: { translation: ja } },
  lng: savedLanguage(),
  fallbackLng: 'en',
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnEmptyString: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
