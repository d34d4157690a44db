import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource } from 'i18next';
import { packageRoot } from '../../package-root.js';

/** Loads every `locales/<lng>/<ns>.json` synchronously, so a second language is just another folder. */
export function loadI18n(localesDir: string = join(packageRoot(), 'locales')): i18n {
  return createI18n(readLocales(localesDir));
}

/** Every `<lng>/<ns>.json` of a folder, as i18next resources. */
export function readLocales(localesDir: string): Resource {
  const resources: Resource = {};
  for (const lng of readdirSync(localesDir, { withFileTypes: true })) {
    if (!lng.isDirectory()) continue;
    resources[lng.name] = {};
    for (const file of readdirSync(join(localesDir, lng.name))) {
      if (!file.endsWith('.json')) continue;
      resources[lng.name]![file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(localesDir, lng.name, file), 'utf8')) as Resource[string][string];
    }
  }
  return resources;
}

/** An i18next instance over resources, English the fallback of every language. */
export function createI18n(resources: Resource): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: 'en',
    fallbackLng: 'en',
    ns: Object.keys(resources.en ?? {}),
    defaultNS: 'portal',
    initAsync: false,
    // Templates escape; double escaping would show &amp; to people.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}
