import type { FastifyInstance } from 'fastify';
import type { AdminRole } from '../../core/admin/operator.js';
import type { AdminContext } from './admin-context.js';

/**
 * One area of the console: a folder under `areas/` and one line in `areas/index.ts`. Its pages live under
 * `/admin/t/:tenant/<id>` and its JSON under `/api/v1/admin/tenants/:tenant/<id>`; the role check is the
 * scope's hook (`area-guard.ts`), written once, never in a handler.
 */
export interface AdminArea {
  /** The path segment, and the key of its name in the navigation (`nav.<id>`). */
  id: string;
  /** The roles that may enter, on the tenant in the path. */
  roles: readonly AdminRole[];
  /** Console pages (HTML), registered inside the guarded scope. */
  pages?: (scope: FastifyInstance, ctx: AdminContext) => void;
  /** Admin API routes (JSON), registered inside the guarded scope. */
  api?: (scope: FastifyInstance, ctx: AdminContext) => void;
}
