import type { RouteOptions } from 'fastify';
import { problemResponses } from '../../api/schemas.js';

/** What every admin API call can answer besides its result. */
const ADMIN_PROBLEMS = [400, 401, 403, 404, 429, 500, 503] as const;

/**
 * Fills in what every admin API operation documents the same way, once for the whole surface rather than in
 * each area: tag, bearer security, a stable operation id from method and path, the problem responses, and a
 * plain JSON success response where the route declares none (declared ones are kept as they are).
 */
export function documentAdminRoute(route: RouteOptions): void {
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  schema.tags ??= ['admin'];
  schema.security ??= [{ bearer: [] }];
  schema.operationId ??= operationIdOf([route.method].flat()[0] ?? 'GET', route.url);
  const declared = (schema.response ?? {}) as Record<string, unknown>;
  const success = Object.keys(declared).some((status) => status.startsWith('2'))
    ? {}
    : { 200: { description: 'OK', type: 'object', additionalProperties: true } };
  schema.response = { ...problemResponses(ADMIN_PROBLEMS), ...success, ...declared };
}

/** `GET /api/v1/admin/tenants/:tenant/people/:id` → `adminGetPeopleById`; `…/audit/export.csv` → `adminGetAuditExportCsv`. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^.*\/api\/v1\/admin/, '')
    .split(/[/.-]/)
    .filter((segment) => segment !== '' && segment !== 'tenants' && segment !== ':tenant')
    .map((segment) => (segment.startsWith(':') ? `by-${segment.slice(1)}` : segment));
  const camel = [method.toLowerCase(), ...words].join('-').replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return `admin${camel[0]!.toUpperCase()}${camel.slice(1)}`;
}
