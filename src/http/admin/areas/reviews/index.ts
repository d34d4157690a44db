import type { AdminArea } from '../../admin-area.js';
import { registerReviewPages } from './review-pages.js';

/**
 * Reviews: resets the risk engine held (action `hold`) wait here for an operator to approve or reject them, with a
 * note. Admins and the helpdesk; core refuses a decision on the operator's own account.
 */
export const reviewsArea: AdminArea = {
  id: 'reviews',
  roles: ['admin', 'helpdesk'],
  pages: registerReviewPages,
};
