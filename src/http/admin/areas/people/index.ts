import type { AdminArea } from '../../admin-area.js';
import { registerPeopleApi } from './people-api.js';
import { registerPeoplePages } from './people-pages.js';

/** People: search a tenant's directories and open a person's page. Admins and the helpdesk. */
export const peopleArea: AdminArea = {
  id: 'people',
  roles: ['admin', 'helpdesk'],
  pages: registerPeoplePages,
  api: registerPeopleApi,
};
