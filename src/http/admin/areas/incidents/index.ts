import type { AdminArea } from '../../admin-area.js';
import { registerIncidentPages } from './incident-pages.js';

/**
 * Incidents: forced resets of a group or a list of people after a security incident (docs/incident-response.md):
 * a dry run first, then the real run with its progress, report and early end. Admins only.
 */
export const incidentsArea: AdminArea = {
  id: 'incidents',
  roles: ['admin'],
  pages: registerIncidentPages,
};
