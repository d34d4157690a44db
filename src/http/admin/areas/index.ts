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

/** Every console area, in navigation order. A new area is a folder and one line here. */
export const AREAS: readonly AdminArea[] = [
  overviewArea,
  peopleArea,
  helpdeskArea, helpdeskApprovalsArea,
  auditArea,
  auditVerificationArea,
  fraudArea,
  reportsArea,
  policyArea,
  systemArea,
];
