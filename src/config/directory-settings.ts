import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DirectoryConfig } from './directories-schema.js';
import { ConfigError } from './config-error.js';
import { readSecretFile } from './secret-sources.js';

/**
 * The directory checks that need more than one entry's own keys: the mode (production refuses plain LDAP)
 * and the surroundings (secrets in files or environment variables, CA files). Run once while the
 * configuration is loaded, so a missing secret stops the start with one line naming the key, instead of
 * surfacing at the first reset.
 *
 * Afterwards every LDAP/AD entry holds its `bindPassword` (and `tlsCa`, when a file was named) as a value,
 * and the `…File` / `…Env` keys are gone: the configuration says exactly what is used. With `onlyTenant`
 * (a command about one tenant), only that tenant's entries are settled.
 */
export function settleDirectories(
  config: { mode: 'dev' | 'production'; tenants: { id: string; directories?: DirectoryConfig[] }[] },
  cwd: string,
  env: NodeJS.ProcessEnv,
  onlyTenant?: string,
): void {
  config.tenants.forEach((tenant, t) => {
    tenant.directories?.forEach((entry, d) => {
      if (entry.type === 'builtin') return;
      const key = (name: string) => `config: tenants.${t}.directories.${d}.${name}`;
      if (config.mode === 'production' && entry.insecure === true) {
        throw new ConfigError(`${key('insecure')}: refused in production mode: plain LDAP sends passwords in the clear; use ldaps:// or StartTLS`);
      }
      // A command about one tenant leaves the others' secrets unread (their entries cannot bind: see bindPasswordOf).
      if (onlyTenant !== undefined && tenant.id !== onlyTenant) return;
      if (entry.bindPasswordFile !== undefined) {
        entry.bindPassword = readSecretFile(key('bindPasswordFile'), resolve(cwd, entry.bindPasswordFile));
        delete entry.bindPasswordFile;
      } else if (entry.bindPasswordEnv !== undefined) {
        const value = env[entry.bindPasswordEnv];
        if (value === undefined || value === '') throw new ConfigError(`${key('bindPasswordEnv')}: the environment variable ${entry.bindPasswordEnv} is not set`);
        entry.bindPassword = value;
        delete entry.bindPasswordEnv;
      }
      if (entry.tlsCaFile !== undefined) {
        const pem = readText(key('tlsCaFile'), resolve(cwd, entry.tlsCaFile));
        if (!pem.includes('-----BEGIN')) throw new ConfigError(`${key('tlsCaFile')}: ${entry.tlsCaFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----…)`);
        entry.tlsCa = pem;
        delete entry.tlsCaFile;
      }
    });
  });
}

function readText(key: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    // The message names the file and why (ENOENT, EACCES), never its content.
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${key}: cannot read ${path} (${code})`);
  }
}
