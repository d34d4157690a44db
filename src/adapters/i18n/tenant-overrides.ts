import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { i18n, Resource, ResourceKey } from 'i18next';
import { ConfigError } from '../../config/config-error.js';
import { createI18n } from './load-i18n.js';

/** The plural suffixes i18next adds to a key (`item_one`, `item_other`): an override may name any of them. */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** A flat `a.b.c → text` view of one namespace's texts. */
export function flattenKeys(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) flattenKeys(inner, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.set(prefix, String(value));
  }
  return out;
}

/** The base of a key without its plural suffix. */
export function pluralBase(key: string): string {
  return key.replace(PLURAL_SUFFIX, '');
}

/**
 * Per-tenant texts: `<folder>/<tenant>/<lng>/<ns>.json` replace installed texts for that tenant only. Each tenant
 * with overrides gets its own catalogue, merged once at start, so a lookup costs what it costs without overrides.
 * Everything is checked at start: an unknown tenant, language, namespace or key stops the start with a message
 * naming the file and the key (a typo would otherwise silently show the installed text).
 */
export function loadTenantOverrides(base: i18n, folder: string, tenantIds: readonly string[]): Map<string, i18n> {
  const result = new Map<string, i18n>();
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ConfigError(`config: i18n.overrides: ${folder} is not a folder`);
  const baseData = base.store.data as Resource;
  const english = baseData.en ?? {};
  for (const tenant of readdirSync(folder, { withFileTypes: true })) {
    if (!tenant.isDirectory()) continue;
    if (!tenantIds.includes(tenant.name)) throw new ConfigError(`config: i18n.overrides: ${join(folder, tenant.name)}: no tenant "${tenant.name}" is configured`);
    const merged = structuredClone(baseData);
    for (const lng of readdirSync(join(folder, tenant.name), { withFileTypes: true })) {
      if (!lng.isDirectory()) continue;
      if (!merged[lng.name]) throw new ConfigError(`config: i18n.overrides: ${join(folder, tenant.name, lng.name)}: "${lng.name}" is not a loaded language`);
      for (const file of readdirSync(join(folder, tenant.name, lng.name))) {
        if (!file.endsWith('.json')) continue;
        const path = join(folder, tenant.name, lng.name, file);
        const ns = file.slice(0, -'.json'.length);
        if (!english[ns]) throw new ConfigError(`config: i18n.overrides: ${path}: "${ns}" is not a namespace (${Object.keys(english).join(', ')})`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(path, 'utf8'));
        } catch (error) {
          throw new ConfigError(`config: i18n.overrides: ${path}: not JSON (${(error as Error).message})`);
        }
        const known = flattenKeys(english[ns]);
        const bases = new Set([...known.keys()].map(pluralBase));
        for (const [key, text] of flattenKeys(parsed)) {
          if (!known.has(key) && !bases.has(pluralBase(key))) throw new ConfigError(`config: i18n.overrides: ${path}: unknown key "${key}"`);
          setKey((merged[lng.name]![ns] ??= {}) as Record<string, ResourceKey>, key, text);
        }
      }
    }
    result.set(tenant.name, createI18n(merged));
  }
  return result;
}

function setKey(target: Record<string, ResourceKey>, dotted: string, text: string): void {
  // A catalogue with flat keys ("layout.service") keeps them flat; a nested one ("layout": {"service"}) nested.
  if (dotted in target) {
    target[dotted] = text;
    return;
  }
  const parts = dotted.split('.');
  let node = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = text;
}
