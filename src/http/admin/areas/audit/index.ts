import type { AdminArea } from '../../admin-area.js';
import { registerAuditApi } from './audit-api.js';
import { registerAuditPages } from './audit-pages.js';

/** Audit: search the log with keyset paging, read an entry, export the search, see the chain verification. Admins and auditors. */
export const auditArea: AdminArea = {
  id: 'audit',
  roles: ['admin', 'auditor'],
  pages: registerAuditPages,
  api: registerAuditApi,
};
