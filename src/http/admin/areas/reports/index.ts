import type { AdminArea } from '../../admin-area.js';
import { registerReportApi } from './report-api.js';
import { registerReportPages } from './report-pages.js';

/** Reports: coverage, lockouts, expiring passwords, resets, repeated failures, rate-limited sources. Admins and auditors. */
export const reportsArea: AdminArea = { id: 'reports', roles: ['admin', 'auditor'], pages: registerReportPages, api: registerReportApi };
