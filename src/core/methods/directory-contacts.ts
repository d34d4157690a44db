import type { PolicyDecision } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { MethodKind } from '../ports/methods.js';
import { isE164 } from '../sms/e164.js';

/** The method id under which the directory's own phone number is offered (it has no row of its own). */
export const DIRECTORY_PHONE_ID = 'directory-phone';

/** The directory's phone number in E.164 form when the policy trusts it (`directoryPhone`), else null. */
export function directoryPhoneOf(account: DirectoryAccount, decision: Pick<PolicyDecision, 'directoryPhone'>): string | null {
  if (!decision.directoryPhone || !account.phone) return null;
  const phone = account.phone.normalize('NFKC').replace(/[\s\-.()\u2010-\u2015]/g, '');
  return isE164(phone) ? phone : null;
}

/** The directory's email address when the policy trusts it (`directoryEmail`, the default), else null. */
export function directoryEmailOf(account: DirectoryAccount, decision: Pick<PolicyDecision, 'directoryEmail'>): string | null {
  return decision.directoryEmail && account.email ? account.email : null;
}

/** The kinds the directory's own contact data gives a person without registering anything, as the policy trusts them. */
export function directoryContactKinds(account: DirectoryAccount, decision: Pick<PolicyDecision, 'directoryEmail' | 'directoryPhone'>): MethodKind[] {
  const kinds: MethodKind[] = [];
  if (directoryEmailOf(account, decision)) kinds.push('email_code');
  if (directoryPhoneOf(account, decision)) kinds.push('sms_code');
  return kinds;
}
