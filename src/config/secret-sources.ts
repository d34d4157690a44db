import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';

/**
 * Where secrets may come from besides an inline value. In the YAML file each key listed in
 * {@link SECRET_KEY_PATHS} also takes `<key>File` (a file holding the value: a mounted Kubernetes or
 * compose secret, a systemd credential) or `<key>Env` (the name of an environment variable holding it);
 * exactly one of the three. Every `UNLATCH_*` variable also takes `UNLATCH_*_FILE`.
 *
 * References are resolved before the schema sees the configuration, so the validated configuration holds
 * plain values and the rest of the code never learns where a secret came from. Error messages name the
 * key, the file or the variable, never the secret.
 */
export const SECRET_KEY_PATHS: readonly string[] = [
  'database.url',
  'rateLimits.redis.url',
  'mail.smtp.password',
  'secrets.keys.*.secret',
  'sms.providers.*.authToken',
  'sms.providers.*.token',
  'sms.providers.*.signingSecret',
  'admin.oidc.clientSecret',
  'audit.sinks.*.keys.*.secret',
  'audit.sinks.*.headers.Authorization',
  'hooks.*.keys.*.secret',
  'hooks.*.headers.Authorization',
  'hooks.*.clientSecret',
  'hooks.*.apiToken',
];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Replaces `<key>File` / `<key>Env` by `<key>` at every secret path of `raw` (mutates it). */
export function resolveSecretReferences(raw: Record<string, unknown>, cwd: string, env: NodeJS.ProcessEnv): void {
  for (const pattern of SECRET_KEY_PATHS) {
    const segments = pattern.split('.');
    const field = segments.pop()!;
    for (const [where, parent] of objectsAt(raw, segments, [])) resolveField(parent, field, where, cwd, env);
  }
}

/** The objects reached by `segments` (`*` = every element of an array), with their printed path. */
function objectsAt(node: unknown, segments: string[], path: string[]): Array<[string[], Record<string, unknown>]> {
  if (segments.length === 0) return isObject(node) ? [[path, node]] : [];
  const [head, ...rest] = segments as [string, ...string[]];
  if (head === '*') return Array.isArray(node) ? node.flatMap((item, i) => objectsAt(item, rest, [...path, String(i)])) : [];
  return isObject(node) ? objectsAt(node[head], rest, [...path, head]) : [];
}

function resolveField(parent: Record<string, unknown>, field: string, where: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const fileKey = `${field}File`;
  const envKey = `${field}Env`;
  const given = [field, fileKey, envKey].filter((k) => parent[k] !== undefined && parent[k] !== null);
  const key = (name: string) => `config: ${[...where, name].join('.')}`;
  if (given.length > 1) throw new ConfigError(`${key(given[1]!)}: set only one of ${field}, ${fileKey}, ${envKey}`);
  if (given[0] === fileKey) {
    const path = parent[fileKey];
    if (typeof path !== 'string' || path === '') throw new ConfigError(`${key(fileKey)}: expected a file path`);
    parent[field] = readSecretFile(key(fileKey), resolve(cwd, path));
  } else if (given[0] === envKey) {
    const name = parent[envKey];
    if (typeof name !== 'string' || !ENV_NAME.test(name)) throw new ConfigError(`${key(envKey)}: expected an environment variable name`);
    const value = env[name];
    if (value === undefined || value === '') throw new ConfigError(`${key(envKey)}: the environment variable ${name} is not set`);
    parent[field] = value;
  }
  delete parent[fileKey];
  delete parent[envKey];
}

/**
 * The value of variable `name`, or of the file that `<name>_FILE` names (relative to `cwd`); undefined when
 * neither is set. Both set is an error: which one wins would be a guess. `label` prefixes error messages.
 */
export function envOrFile(env: NodeJS.ProcessEnv, name: string, cwd: string, label: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  const hasDirect = direct !== undefined && direct !== '';
  const hasFile = file !== undefined && file !== '';
  if (hasDirect && hasFile) throw new ConfigError(`${label}: set only one of ${name}, ${name}_FILE`);
  if (hasFile) return readSecretFile(`${label} (${name}_FILE)`, resolve(cwd, file));
  return hasDirect ? direct : undefined;
}

/**
 * A secret kept in a file: its text without one trailing line break (what `echo` and editors add).
 * Errors name the file and why (ENOENT, EACCES), never its content.
 */
export function readSecretFile(label: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${label}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new ConfigError(`${label}: ${path} is empty`);
  return value;
}

/**
 * A key ring written as text: `id:secret` entries, newest first, separated by line breaks, commas or
 * spaces; `#` starts a comment line. The format of `UNLATCH_SECRETS_KEYS` and its file.
 */
export function parseKeyRing(text: string, label: string): Array<{ id: string; secret: string }> {
  const entries = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .split(/[\s,]+/)
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new ConfigError(`${label}: no keys (expected id:secret entries)`);
  return entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    // Never echo the entry: without its colon it may be a bare secret.
    if (colon <= 0) throw new ConfigError(`${label}: entry ${index + 1} is not id:secret`);
    return { id: entry.slice(0, colon), secret: entry.slice(colon + 1) };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
