import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema, type RawConfig, type UnlatchConfig } from './schema.js';
import { settleDirectories } from './directory-settings.js';
import { rateLimitStoreProblem } from './rate-limit-settings.js';
import { ConfigError } from './config-error.js';
import { DEMO_ADMIN_GROUP } from './admin-schema.js';
import { envOrFile, parseKeyRing, resolveSecretReferences } from './secret-sources.js';
import { settleBrandFiles } from './brand-files.js';
import { configIssueMessage } from './zod-messages.js';

export { ConfigError };

/**
 * Environment variables and the config key each one sets. Each also takes `<NAME>_FILE`: a file holding
 * the value (a mounted secret), see `secret-sources.ts`. docs/deployment.md lists them all.
 */
const ENV_KEYS: ReadonlyArray<[string, string[], 'string' | 'int' | 'bool']> = [
  ['UNLATCH_MODE', ['mode'], 'string'],
  ['UNLATCH_HOST', ['server', 'host'], 'string'],
  ['UNLATCH_PORT', ['server', 'port'], 'int'],
  ['UNLATCH_PUBLIC_URL', ['publicUrl'], 'string'],
  ['UNLATCH_DATA_DIR', ['dataDir'], 'string'],
  ['UNLATCH_DATABASE_URL', ['database', 'url'], 'string'],
  ['UNLATCH_LOG_LEVEL', ['log', 'level'], 'string'],
  ['UNLATCH_MAIL_TRANSPORT', ['mail', 'transport'], 'string'],
  ['UNLATCH_MAIL_FROM', ['mail', 'from'], 'string'],
  ['UNLATCH_SMTP_HOST', ['mail', 'smtp', 'host'], 'string'],
  ['UNLATCH_SMTP_PORT', ['mail', 'smtp', 'port'], 'int'],
  ['UNLATCH_SMTP_SECURE', ['mail', 'smtp', 'secure'], 'bool'],
  ['UNLATCH_SMTP_REQUIRE_TLS', ['mail', 'smtp', 'requireTLS'], 'bool'],
  ['UNLATCH_SMTP_USER', ['mail', 'smtp', 'user'], 'string'],
  ['UNLATCH_SMTP_PASSWORD', ['mail', 'smtp', 'password'], 'string'],
  ['UNLATCH_REDIS_URL', ['rateLimits', 'redis', 'url'], 'string'],
  ['UNLATCH_METRICS_LISTEN', ['metrics', 'listen'], 'string'],
  ['UNLATCH_ADMIN_LISTEN', ['admin', 'listen'], 'string'],
  ['UNLATCH_ADMIN_OIDC_CLIENT_SECRET', ['admin', 'oidc', 'clientSecret'], 'string'],
];

export interface LoadOptions {
  /** `--config` path; when absent, `./unlatch.yaml` is read if it exists. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra values applied over file and environment (tests, CLI flags). */
  overrides?: RawConfig;
  /** Whose directory secrets to read (see {@link ValidateScope}); default: every tenant's. */
  scope?: ValidateScope;
}

/** What a command that acts on one tenant needs loaded. */
export interface ValidateScope {
  /**
   * Read the directory secrets (`bindPasswordFile`, `bindPasswordEnv`, `tlsCaFile`) of this tenant only, the
   * default tenant when `id` is undefined. The other tenants' directories are still validated, but their
   * secrets stay unread (and unusable): `unlatch directory check --tenant corp` must not fail because a
   * variable only another tenant's directory names is not set in the operator's shell.
   */
  directoriesOfTenant: { id: string | undefined };
}

/** File, then environment, then overrides; validated once; production requirements checked. */
export function loadConfig(options: LoadOptions = {}): UnlatchConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const raw = readConfigFile(options.configPath, cwd);
  applyEnv(raw, env, cwd);
  const keys = envKeyRing(env, cwd);
  if (keys) raw.secrets = { ...(raw.secrets as object), keys };
  return validateConfig(deepMerge(raw, (options.overrides ?? {}) as Record<string, unknown>), cwd, env, options.scope);
}

/** Validates raw values; relative paths are taken from `cwd`, directory secrets named by variable from `env`. */
export function validateConfig(raw: Record<string, unknown>, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env, scope?: ValidateScope): UnlatchConfig {
  // A section whose keys are all commented out (`audit:` and nothing else) reads as null: treat it as absent.
  // A copy: secret references are replaced in place, and the caller's object stays as it was.
  const present = structuredClone(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null)));
  resolveSecretReferences(present, cwd, env);
  if (isPlainObject(present.reset) && 'excludedGroups' in present.reset) {
    throw new ConfigError('config: reset.excludedGroups: moved to policy.default.excludedGroups (see docs/policy.md)');
  }
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new ConfigError(`config: ${key}: ${configIssueMessage(issue, present)}`);
  }
  return finish(parsed.data, cwd, env, scope);
}

/** Fills what depends on other keys and refuses what production must not run with. */
function finish(config: UnlatchConfig, cwd: string, env: NodeJS.ProcessEnv, scope: ValidateScope | undefined): UnlatchConfig {
  config.dataDir = resolve(cwd, config.dataDir);
  if (config.tenants.length === 0 && config.mode === 'dev') {
    // The demo operator (README) is a member of `unlatch-admins`, which holds the console's admin role here.
    config.tenants = [{ id: 'demo', name: 'Demo Company', operators: [{ group: DEMO_ADMIN_GROUP, role: 'admin' }] }];
  }
  if (config.tenants.length === 0) throw new ConfigError('config: tenants: at least one tenant is required in production mode');
  config.defaultTenant ??= config.tenants[0]!.id;
  for (const id of Object.keys(config.sms.limits.tenantBudgets ?? {})) {
    if (!config.tenants.some((t) => t.id === id)) throw new ConfigError(`config: sms.limits.tenantBudgets.${id}: "${id}" is not one of the tenants`);
  }
  const tenantIds = new Set(config.tenants.map((t) => t.id));
  for (const [i, tenant] of config.tenants.entries()) {
    for (const [j, grant] of tenant.operators.entries()) {
      const unknown = (grant.tenants ?? []).find((id) => id !== '*' && !tenantIds.has(id));
      if (unknown) throw new ConfigError(`config: tenants.${i}.operators.${j}.tenants: "${unknown}" is not one of the tenants`);
    }
  }
  if (config.admin.oidc?.tenant && !tenantIds.has(config.admin.oidc.tenant)) {
    throw new ConfigError(`config: admin.oidc.tenant: "${config.admin.oidc.tenant}" is not one of the tenants`);
  }
  for (const [i, schedule] of config.admin.reports.schedules.entries()) {
    if (!tenantIds.has(schedule.tenant)) throw new ConfigError(`config: admin.reports.schedules.${i}.tenant: "${schedule.tenant}" is not one of the tenants`);
  }
  // A hook naming a tenant that does not exist (a typo) would never fire, and nothing would say so.
  for (const [i, hook] of config.hooks.entries()) {
    const unknown = (hook.tenants ?? []).find((id) => !tenantIds.has(id));
    if (unknown !== undefined) throw new ConfigError(`config: hooks.${i}.tenants: "${unknown}" is not one of the tenants`);
  }
  for (const id of Object.keys(config.policy.tenants)) {
    if (!config.tenants.some((t) => t.id === id)) throw new ConfigError(`config: policy.tenants.${id}: "${id}" is not one of the tenants`);
  }
  if (!config.tenants.some((t) => t.id === config.defaultTenant)) {
    throw new ConfigError(`config: defaultTenant: "${config.defaultTenant}" is not one of the tenants`);
  }
  config.database.url ??= `sqlite:${resolve(config.dataDir, 'unlatch.db')}`;
  const rateLimitProblem = rateLimitStoreProblem(config);
  if (rateLimitProblem) throw new ConfigError(rateLimitProblem);
  if (config.mail.transport === 'smtp' && !config.mail.smtp) {
    throw new ConfigError('config: mail.smtp: required when mail.transport is smtp');
  }
  if (config.mode === 'production') {
    if (!config.publicUrl) throw new ConfigError('config: publicUrl: required in production mode (links are built from it)');
    if (config.mail.transport !== 'smtp') throw new ConfigError('config: mail.transport: production mode needs smtp (the dev outbox is for development only)');
    if (config.secrets.keys.length === 0) throw new ConfigError('config: secrets.keys: production mode needs a secret key (or UNLATCH_SECRET_KEY)');
  }
  config.publicUrl = (config.publicUrl ?? defaultPublicUrl(config.server.host, config.server.port)).replace(/\/+$/, '');
  const only = scope ? (scope.directoriesOfTenant.id ?? config.defaultTenant) : undefined;
  settleDirectories(config, cwd, env, only);
  settleBrandFiles(config, cwd);
  return config;
}

/**
 * Where a person reaches a server that names no public URL. A loopback or wildcard bind is reached as
 * `localhost`: browsers treat it as a secure context, and passkeys refuse IP addresses as their RP ID.
 */
function defaultPublicUrl(host: string, port: number): string {
  const local = ['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost'].includes(host);
  return `http://${local ? 'localhost' : host}:${port}`;
}

function readConfigFile(configPath: string | undefined, cwd: string): Record<string, unknown> {
  const path = configPath ? resolve(cwd, configPath) : resolve(cwd, 'unlatch.yaml');
  if (!existsSync(path)) {
    if (configPath) throw new ConfigError(`config: --config: file not found: ${path}`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config: ${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`config: ${path}: the top level must be a mapping`);
  return parsed as Record<string, unknown>;
}

/**
 * The key ring from the environment, replacing the file's: `UNLATCH_SECRET_KEY` (one key, id `env`) or
 * `UNLATCH_SECRETS_KEYS` (`id:secret` entries, newest first), each also as `…_FILE`.
 */
function envKeyRing(env: NodeJS.ProcessEnv, cwd: string): Array<{ id: string; secret: string }> | undefined {
  const one = envOrFile(env, 'UNLATCH_SECRET_KEY', cwd, 'config: secrets.keys');
  const ring = envOrFile(env, 'UNLATCH_SECRETS_KEYS', cwd, 'config: secrets.keys');
  if (one !== undefined && ring !== undefined) throw new ConfigError('config: secrets.keys: set only one of UNLATCH_SECRET_KEY, UNLATCH_SECRETS_KEYS (and their _FILE forms)');
  if (one !== undefined) return [{ id: 'env', secret: one }];
  return ring === undefined ? undefined : parseKeyRing(ring, 'config: secrets.keys (UNLATCH_SECRETS_KEYS)');
}

function applyEnv(target: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd: string): void {
  for (const [name, path, kind] of ENV_KEYS) {
    const value = envOrFile(env, name, cwd, `config: ${path.join('.')}`);
    if (value === undefined) continue;
    let typed: unknown = value;
    if (kind === 'int') {
      if (!/^-?\d+$/.test(value)) throw new ConfigError(`config: ${path.join('.')} (${name}): expected a whole number, got "${value}"`);
      typed = Number(value);
    } else if (kind === 'bool') {
      if (!['true', 'false', '1', '0'].includes(value)) throw new ConfigError(`config: ${path.join('.')} (${name}): expected true or false`);
      typed = value === 'true' || value === '1';
    }
    setPath(target, path, typed);
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
