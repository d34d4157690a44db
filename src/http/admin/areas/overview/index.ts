import type { AdminArea } from '../../admin-area.js';
import { registerOverviewApi, registerOverviewPages } from './overview-pages.js';

/** Overview: the tenant's self-service figures and charts. Admins and auditors. */
export const overviewArea: AdminArea = { id: 'overview', roles: ['admin', 'auditor'], pages: registerOverviewPages, api: registerOverviewApi };
