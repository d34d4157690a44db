import type { AdminArea } from '../admin-area.js';
import { systemArea } from './system/index.js';
import { auditArea } from './audit/index.js';
import { auditVerificationArea } from './audit-verification/index.js';
import { overviewArea } from './overview/index.js';
import { peopleArea } from './people/index.js';
import { helpdeskApprovalsArea, helpdeskArea } from './helpdesk/index.js';
import { policyArea } from './policy/index.js';
import { reportsArea } from './reports/index.js';
import { fraudArea } from './fraud/index.js';
import { incidentsArea } from './incidents/index.js';
import { reviewsArea } from './reviews/index.js';
import { attackModeArea } from './attack-mode/index.js';

/** Every console area, in navigation order. A new area is a folder and one line here. */
export const AREAS: readonly AdminArea[] = [
  overviewArea,
  peopleArea,
  helpdeskArea, helpdeskApprovalsArea,
  reviewsArea,
  auditArea,
  auditVerificationArea,
  fraudArea,
  attackModeArea,
  incidentsArea,
  reportsArea,
  policyArea,
  systemArea,
];
