import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as methods from './0002-methods.js';
import * as sessions from './0003-sessions.js';
import * as flowProofs from './0004-flow-proofs.js';
import * as challenges from './0005-challenges.js';
import * as methodReviews from './0006-method-reviews.js';
import * as smsCodes from './0007-sms-codes.js';
import * as emailLinks from './0008-email-links.js';
import * as accountLocks from './0009-account-locks.js';
import * as oneLiveFlow from './0010-one-live-flow.js';
import * as auditChains from './0011-audit-chains.js';
import * as adminConsole from './0012-admin-console.js';
import * as auditConsole from './0013-audit-console.js';
import * as reportRuns from './0014-report-runs.js';
import * as auditVerifications from './0015-audit-verifications.js';
import * as coverageSnapshots from './0016-coverage-snapshots.js';
import * as helpdesk from './0017-helpdesk.js';
import * as reminders from './0018-reminders.js';
import * as mustChange from './0020-must-change.js';
import * as canaryFlows from './0022-canary-flows.js';
import * as fraudReports from './0023-fraud-reports.js';
import * as flowLanguage from './0024-flow-language.js';
import * as risk from './0025-risk.js';
import * as reviewLiveFlow from './0026-review-live-flow.js';
import * as proofOfWork from './0027-proof-of-work.js';
import * as incidents from './0028-incidents.js';

/** Every migration, in order. One set for SQLite and PostgreSQL. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-methods': methods,
  '0003-sessions': sessions,
  '0004-flow-proofs': flowProofs,
  '0005-challenges': challenges,
  '0006-method-reviews': methodReviews,
  '0007-sms-codes': smsCodes,
  '0008-email-links': emailLinks,
  '0009-account-locks': accountLocks,
  '0010-one-live-flow': oneLiveFlow,
  '0011-audit-chains': auditChains,
  '0012-admin-console': adminConsole,
  '0013-audit-console': auditConsole,
  '0014-report-runs': reportRuns,
  '0015-audit-verifications': auditVerifications,
  '0016-coverage-snapshots': coverageSnapshots,
  '0017-helpdesk': helpdesk,
  '0018-reminders': reminders,
  '0020-must-change': mustChange,
  '0022-canary-flows': canaryFlows,
  '0023-fraud-reports': fraudReports,
  '0024-flow-language': flowLanguage,
  '0025-risk': risk,
  '0026-review-live-flow': reviewLiveFlow,
  '0027-proof-of-work': proofOfWork,
  '0028-incidents': incidents,
};
