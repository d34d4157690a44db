import type { FastifyInstance } from 'fastify';
import type { AdminServices } from './console-services.js';

/** A route of the console or the admin API, and the area whose guard covers it (null: public or surface-wide). */
export interface AdminRoute {
  method: string;
  url: string;
  area: string | null;
}

const catalog = new WeakMap<AdminServices, AdminRoute[]>();

/**
 * Records every route a scope registers from now on, under `area`. The role-table test walks this list, so a
 * new route is checked against every role without anyone remembering to add it to the test.
 */
export function recordRoutes(scope: FastifyInstance, admin: AdminServices, area: string | null): void {
  scope.addHook('onRoute', (route) => {
    const list = catalog.get(admin) ?? [];
    catalog.set(admin, list);
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      // A parent scope's hook sees its children's routes too: the innermost (the area) names the route.
      const known = list.find((r) => r.method === method && r.url === route.url);
      if (!known) list.push({ method, url: route.url, area });
      else if (area !== null) known.area = area;
    }
  });
}

/** Every recorded route of the console and the admin API built with these services. */
export function adminRoutes(admin: AdminServices): readonly AdminRoute[] {
  return catalog.get(admin) ?? [];
}
