import type { AdminArea } from '../../admin-area.js';
import { registerApprovalPages } from './approval-pages.js';
import { registerHelpdeskPages } from './helpdesk-pages.js';

/** The helpdesk: check a caller, then unlock, a temporary access pass, a one-time password, remove lost methods. */
export const helpdeskArea: AdminArea = {
  id: 'helpdesk',
  roles: ['admin', 'helpdesk'],
  pages: registerHelpdeskPages,
};

/**
 * Approving or refusing helpdesk requests for protected people: admins only. A role rule of its own, so it is
 * its own area with its own guard rather than a check inside a handler (like `audit-verification`).
 */
export const helpdeskApprovalsArea: AdminArea = {
  id: 'helpdesk-approvals',
  roles: ['admin'],
  pages: registerApprovalPages,
};
