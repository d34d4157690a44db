import { isUnlatchError } from '../../../../core/errors.js';
import { simulatePolicy, type PolicySimulation } from '../../../../core/policy/policy-simulation.js';
import type { AuditRecord } from '../../../../core/ports/audit-query.js';
import type { DirectoryAccount, DirectoryAccountDetails } from '../../../../core/ports/directory.js';
import type { PersonFlow } from '../../../../core/ports/person-activity.js';
import type { AdminContext } from '../../admin-context.js';
import { riskDecisionsOf, RISK_STARTS, type PersonRiskDecision } from './person-risk.js';

/** A registered method as the console shows it: label, kind and dates, never a secret or an address. */
export interface PersonMethod {
  id: string;
  kind: string;
  name: string;
  confirmed: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** Added by the organisation: `import` (an HR file, `unlatch methods import`) or `directory` (`methods sync`). */
  source?: 'import' | 'directory';
}

/** Everything the person page and `GET …/people/:id` show. */
export interface PersonView {
  account: DirectoryAccount;
  details: DirectoryAccountDetails;
  policy: PolicySimulation;
  methods: PersonMethod[];
  flows: PersonFlow[];
  trail: AuditRecord[];
  /** The risk engine's decision at each recent start (score, action, reasons), newest first. See docs/risk.md. */
  risk: PersonRiskDecision[];
}

const RECENT_FLOWS = 20;
const TRAIL_ENTRIES = 50;

/** The people an operator's search finds (the directories' own substring search), at most `limit`. */
export async function searchPeople(ctx: AdminContext, tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]> {
  const { directory } = ctx.admin;
  if (text.trim() === '' || !directory.searchPeople) return [];
  return directory.searchPeople(tenantId, text.trim(), limit);
}

/**
 * A person's page: the directory's account and what it tells of the password, the policy decision the reset
 * flow itself would take, registered methods (labels and dates), recent flows, the newest audit entries.
 * Null when no such account (the operator may know that; the person page is not a public surface).
 */
export async function personView(ctx: AdminContext, tenantId: string, subjectId: string): Promise<PersonView | null> {
  const { directory, methods, activity, auditQuery } = ctx.admin;
  const account = await directory.findById(tenantId, subjectId, { fresh: true });
  if (!account) return null;
  const [details, registered, flows, trail, starts] = await Promise.all([
    directory.accountDetails ? directory.accountDetails(account).catch(unreadable) : Promise.resolve({}),
    methods.listForSubject(tenantId, account.id),
    activity.recentFlows(tenantId, account.id, RECENT_FLOWS),
    auditQuery.search({ tenantId, subjectId: account.id }, { limit: TRAIL_ENTRIES }),
    auditQuery.search({ tenantId, subjectId: account.id, event: 'reset.started' }, { limit: RISK_STARTS }),
  ]);
  const policy = simulatePolicy({
    tenantId,
    policy: ctx.deps.policyFor(tenantId),
    subject: { kind: 'person', account, registered },
    channels: { sms: ctx.deps.config.sms.providers.length > 0, questions: true },
  });
  return {
    account,
    details,
    policy,
    methods: registered.map((m) => ({
      id: m.id, kind: m.kind, name: m.name, confirmed: m.confirmed, createdAt: m.createdAt, lastUsedAt: m.lastUsedAt,
      ...(m.data.source === 'import' || m.data.source === 'directory' ? { source: m.data.source } : {}),
    })),
    flows,
    trail: trail.entries,
    risk: riskDecisionsOf(starts.entries),
  };
}

/** Password dates are extras: a directory that cannot tell them still shows the rest of the page. */
function unreadable(error: unknown): DirectoryAccountDetails {
  if (isUnlatchError(error) && error.code === 'directory_unavailable') return { attributes: { note: 'the directory could not be asked for password dates' } };
  throw error;
}
