import type { AdminArea } from '../../admin-area.js';
import { registerPolicyApi, registerPolicyPages } from './policy-pages.js';

/** Policy: the effective policy with its sources, and "what would a reset do" for a person or groups. Admins. */
export const policyArea: AdminArea = { id: 'policy', roles: ['admin'], pages: registerPolicyPages, api: registerPolicyApi };
