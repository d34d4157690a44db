import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { i18n, TFunction } from 'i18next';
import { availableLanguages, chooseLanguage, LANGUAGE_COOKIE } from './language-choice.js';
import { ERROR_CODES, isUnlatchError, type ErrorCode } from '../core/errors.js';

/** RFC 9457 problem details, with the stable `code` every client can switch on. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Translator for error messages (namespace `errors`), in the request's language when there is a request. */
export type ErrorTranslator = (code: ErrorCode | 'detail.field', request?: FastifyRequest, params?: Record<string, unknown>) => string;

/**
 * Problem titles from the `errors` namespace (`locales/<lng>/errors.json`) in the request's language (the
 * switcher's cookie, else Accept-Language, else English); the code itself when missing. `key` may also name
 * another text of the namespace (`detail.field`).
 */
export function errorTranslator(i18n: i18n): ErrorTranslator {
  const fixed = new Map<string, TFunction>();
  // A title without parameters is the same text every time: floods of refusals are answered from here.
  const titles = new Map<string, string>();
  return (code, request, params) => {
    const header = request?.headers['accept-language'];
    const lng = request ? chooseLanguage({ cookie: request.cookies?.[LANGUAGE_COOKIE], acceptLanguage: typeof header === 'string' ? header : undefined, available: availableLanguages(i18n) }) : 'en';
    const key = params === undefined ? `${lng}\u0000${code}` : null;
    const known = key === null ? undefined : titles.get(key);
    if (known !== undefined) return known;
    let t = fixed.get(lng);
    if (!t) fixed.set(lng, (t = i18n.getFixedT(lng, 'errors')));
    const raw: unknown = t(code, { ...params, interpolation: { escapeValue: false } });
    const text = typeof raw === 'string' && raw.length > 0 ? raw : code;
    if (key !== null) titles.set(key, text);
    return text;
  };
}

/**
 * The one mapping from anything thrown to a code and status. Unknown errors become `internal`
 * and their message never leaves the server.
 */
export function classifyError(error: unknown): { code: ErrorCode; status: number; details: Record<string, unknown> } {
  if (isUnlatchError(error)) return { code: error.code, status: error.status, details: error.details };
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown };
  if (fastifyError.validation) {
    return { code: 'invalid_request', status: 400, details: { field: validationField(fastifyError) } };
  }
  const status = fastifyError.statusCode ?? 500;
  if (fastifyError.code === 'FST_CSRF_INVALID_TOKEN' || fastifyError.code === 'FST_CSRF_MISSING_SECRET') {
    return { code: 'csrf_invalid', status: 403, details: {} };
  }
  if (status === 404) return { code: 'not_found', status, details: {} };
  // Body too large, bad JSON, bad content type, malformed form: all the client's to fix, all one 400.
  if (status >= 400 && status < 500) return { code: 'invalid_request', status: 400, details: {} };
  return { code: 'internal', status: 500, details: {} };
}

/** What a 503 without its own hint tells the client to wait (seconds): a dependency outage is usually brief. */
export const OUTAGE_RETRY_AFTER_SECONDS = 30;

/**
 * The Retry-After (seconds) of an answer, or null: the error's own `retryAfterSeconds` (rate limits, the store's
 * outage), else 30 s for every 503 — an outage of a dependency always says when to come back, never a bare 503.
 */
export function retryAfterOf(status: number, details: Record<string, unknown>): number | null {
  if (typeof details.retryAfterSeconds === 'number') return details.retryAfterSeconds;
  return status === 503 ? OUTAGE_RETRY_AFTER_SECONDS : null;
}

export function problemOf(error: unknown, request: FastifyRequest, translate: ErrorTranslator): Problem {
  const { code, status, details } = classifyError(error);
  const problem: Problem = {
    type: `urn:unlatch:problem:${code}`,
    title: translate(code, request),
    status,
    code,
    instance: request.id,
  };
  const field = details.field;
  if (typeof field === 'string' && field.length > 0) problem.detail = translate('detail.field', request, { field });
  const retryAfter = retryAfterOf(status, details);
  if (retryAfter !== null) problem.retryAfterSeconds = retryAfter;
  return problem;
}

/** Sends a problem, with Retry-After for rate limits and outages (503); 5xx are logged with the cause, 4xx are not noise. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, translate: ErrorTranslator): FastifyReply {
  const problem = problemOf(error, request, translate);
  if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'request failed');
  if (typeof problem.retryAfterSeconds === 'number') reply.header('retry-after', String(problem.retryAfterSeconds));
  return reply.code(problem.status).type('application/problem+json').header('cache-control', 'no-store').send(problem);
}

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

function validationField(error: { validation?: unknown; validationContext?: string }): string {
  const first = Array.isArray(error.validation) ? (error.validation[0] as { instancePath?: string; params?: { missingProperty?: string; additionalProperty?: string } }) : undefined;
  const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.');
  return first?.params?.missingProperty ?? first?.params?.additionalProperty ?? (path || error.validationContext || 'body');
}
