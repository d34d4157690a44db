import type { FastifyRequest, FastifySchema } from 'fastify';

/**
 * The body schema of a portal form: each named field is at most one string of bounded length,
 * nothing else is allowed but the CSRF token. A repeated field arrives as an array and fails
 * `type: 'string'` (ajv runs without type coercion), so it is refused with 400 before any handler
 * sees it — one value per field (SECURITY.md, the GitLab CVE-2023-7028 class).
 */
export function formSchema(fields: Record<string, number>): FastifySchema {
  const properties: Record<string, { type: 'string'; maxLength: number }> = { _csrf: { type: 'string', maxLength: 512 } };
  for (const [name, maxLength] of Object.entries(fields)) properties[name] = { type: 'string', maxLength };
  return { body: { type: 'object', additionalProperties: false, properties } };
}

/** A field of an already validated form body ('' when absent). */
export function field(request: FastifyRequest, name: string): string {
  const body = request.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

/** Longest identifier the flows accept (core refuses longer ones); the schema bound is looser so the page can say why. */
export const MAX_IDENTIFIER = 256;
/** Schema bound for identifiers, tenants and codes: longer input is not a person typing. */
export const MAX_SHORT_FIELD = 1024;
/** Schema bound for passwords: far above any configured maximum, so "too long" is a reason shown on the page, not a 400. */
export const MAX_PASSWORD_FIELD = 8192;
