import type { AdminArea } from '../../admin-area.js';
import { registerSystemApi } from './system-api.js';
import { registerSystemPages } from './system-pages.js';

/** System: directory health (checked on demand), message channels, outbox backlog, key ring, version, redacted configuration. Admins only. */
export const systemArea: AdminArea = {
  id: 'system',
  roles: ['admin'],
  pages: registerSystemPages,
  api: registerSystemApi,
};
