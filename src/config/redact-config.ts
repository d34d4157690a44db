import { SECRET_KEY_PATHS } from './secret-sources.js';

/** What stands where a secret was. */
export const REDACTED = '[redacted]';

/**
 * Keys whose string value is a secret wherever they appear, on top of {@link SECRET_KEY_PATHS}: directory bind
 * passwords and any key a later section may add with such a name (`…Password`, `…Secret`, `…Token`, `…Key`
 * holding a string). Belt and braces: a new secret key nobody listed is still hidden.
 */
const SECRET_NAME = /(password|secret|token|apikey|api_key|privatekey|private_key|credentials?)$/i;
/** Query parameters of a URL that may carry a secret (`?password=`, `?sslkey=`, `?token=`). */
const SECRET_PARAM = /pass|secret|key|token|auth|cred/i;

/**
 * The effective configuration with every secret replaced by `[redacted]`, for the console's System page and
 * its API. Pure: returns a copy, never changes `config`. Hidden: every path of {@link SECRET_KEY_PATHS}
 * (URLs there keep their scheme, host and database, lose their password and secret query parameters),
 * directory bind passwords, every string under a secret-sounding key, and the password of any URL anywhere.
 */
export function redactConfig(config: unknown): Record<string, unknown> {
  const copy = redactTree(config, '');
  const root = isObject(copy) ? copy : {};
  for (const pattern of SECRET_KEY_PATHS) redactPath(root, pattern.split('.'));
  return root;
}

function redactTree(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return node.map((item) => redactTree(item, ''));
  if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, redactTree(v, k)]));
  if (typeof node === 'string') {
    if (SECRET_NAME.test(key)) return REDACTED;
    return redactUrl(node);
  }
  return node;
}

/** Replaces the value at `segments` (`*` = every element of an array): a URL loses its secrets, anything else goes. */
function redactPath(node: unknown, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (head === '*') {
    if (Array.isArray(node)) for (const item of node) redactPath(item, rest);
    return;
  }
  if (!isObject(node) || !Object.hasOwn(node, head)) return;
  if (rest.length > 0) return redactPath(node[head], rest);
  const value = node[head];
  if (value === undefined || value === null) return;
  node[head] = typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrl(value, true) : REDACTED;
}

/**
 * A URL without its password (`postgres://app:[redacted]@db/unlatch`) and secret query parameters. A string
 * that is no URL is returned as it was, unless `strict`: then anything unparsable is hidden whole.
 */
function redactUrl(text: string, strict = false): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return strict ? REDACTED : text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Something with a scheme but no valid URL shape may still hold `user:pass@`: hide it rather than guess.
    return /@/.test(text) || strict ? REDACTED : text;
  }
  let changed = false;
  if (url.password) {
    url.password = 'redacted';
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      url.searchParams.set(name, 'redacted');
      changed = true;
    }
  }
  return changed ? url.toString().replace(/redacted/g, REDACTED) : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
