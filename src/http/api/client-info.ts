import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../../core/ports/client-info.js';
import { traceIdOf } from '../tracing-hooks.js';
import { languagePreference } from '../language-choice.js';

/** Longest user agent kept; the rest is noise an attacker could use to bloat audit entries. */
const MAX_USER_AGENT = 256;

/**
 * Who is asking, as the edge sees it. `request.ip` honours `server.trustProxy` only, so a client
 * cannot pick its own rate-limit key with X-Forwarded-For unless a trusted proxy set it.
 */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const header = request.headers['user-agent'];
  const lang = languagePreference(request);
  return { ip: request.ip, userAgent: truncate(typeof header === 'string' ? header : ''), correlationId: traceIdOf(request) ?? request.id, ...(lang ? { lang } : {}) };
}

function truncate(value: string): string {
  if (value.length <= MAX_USER_AGENT) return value;
  const cut = value.slice(0, MAX_USER_AGENT);
  // Do not leave half a surrogate pair behind: it cannot be stored as UTF-8.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
