import type { TenantPolicy } from '../policy/method-policy.js';
import type { MethodKindsBySubject, ReminderLedger } from '../ports/reminder-ledger.js';
import type { EnrolmentSettings } from './enrolment-settings.js';

/** What the enrolment report (and the coverage report's `overdue` column) read besides the directory. */
export interface EnrolmentReportSource {
  policyFor: (tenantId: string) => TenantPolicy;
  settingsFor: (tenantId: string) => EnrolmentSettings;
  ledger: Pick<ReminderLedger, 'sentBySubject' | 'countsByRound'>;
  methods: MethodKindsBySubject;
}

/** Whether a tenant's registration deadline has passed at `now` (null: the tenant has none). */
export function deadlinePassed(source: EnrolmentReportSource | undefined, tenantId: string, now: Date): boolean | null {
  const deadline = source?.settingsFor(tenantId).registrationDeadline ?? null;
  return deadline === null ? null : now.getTime() >= deadline.getTime();
}
