import type { AdminArea } from '../../admin-area.js';
import { registerVerificationStartApi, registerVerificationStartPages } from './verification-start.js';

/**
 * Starting a verification of the audit log: admins only. The audit area (admins and auditors) shows the
 * status and progress; starting is an action on the whole log, so it is its own area with its own guard
 * rather than a role check inside a handler.
 */
export const auditVerificationArea: AdminArea = {
  id: 'audit-verification',
  roles: ['admin'],
  pages: registerVerificationStartPages,
  api: registerVerificationStartApi,
};
