import type { AdminArea } from '../../admin-area.js';
import { registerFraudPages } from './fraud-pages.js';

/**
 * Fraud: "this wasn't me" reports and the accounts they paused, fraud / legitimate labels of resets and changes
 * (SLI M3), and the anonymous friction rating (SLI M8). Labelling and ending a pause are admin actions.
 */
export const fraudArea: AdminArea = {
  id: 'fraud',
  roles: ['admin'],
  pages: registerFraudPages,
};
