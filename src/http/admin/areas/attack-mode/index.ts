import type { AdminArea } from '../../admin-area.js';
import { registerAttackModePages } from './attack-mode-pages.js';

/** Attack mode: whether the tenant asks everyone for a proof of work, the start rates, and the operator's override. */
export const attackModeArea: AdminArea = {
  id: 'attack-mode',
  roles: ['admin'],
  pages: registerAttackModePages,
};
