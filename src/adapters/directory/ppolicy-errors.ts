import { ConstraintViolationError, PasswordPolicyControl, PasswordPolicyError } from 'ldapts';
import type { PasswordRejection } from '../../core/password/password-policy.js';
import { codePointLength } from '../../core/password/password-policy.js';

/** Why a directory refused a password write, in the terms of draft-behera-ldap-password-policy. */
export type PolicyRefusal = 'in_history' | 'too_short' | 'too_young' | 'quality' | 'account_locked' | 'must_change' | 'other';

/** A fresh response control to send with a password write; the server fills it in when it refuses. */
export function passwordPolicyControl(): PasswordPolicyControl {
  return new PasswordPolicyControl();
}

const BY_PPOLICY_ERROR: Record<number, PolicyRefusal> = {
  [PasswordPolicyError.AccountLocked]: 'account_locked',
  [PasswordPolicyError.ChangeAfterReset]: 'must_change',
  [PasswordPolicyError.InsufficientPasswordQuality]: 'quality',
  [PasswordPolicyError.PasswordTooShort]: 'too_short',
  [PasswordPolicyError.PasswordTooYoung]: 'too_young',
  [PasswordPolicyError.PasswordInHistory]: 'in_history',
};

/**
 * What a failed write means, or null when it is not a password policy refusal (then the directory is
 * broken or misconfigured, not the password). The ppolicy response control is the reliable source; a
 * server that does not send it still says "constraint violation" (19), and OpenLDAP's diagnostic text
 * then tells history and age apart.
 */
export function policyRefusalOf(error: unknown, control: PasswordPolicyControl): PolicyRefusal | null {
  const code = control.value?.error;
  if (code !== undefined) return BY_PPOLICY_ERROR[code] ?? 'other';
  if (!(error instanceof ConstraintViolationError)) return null;
  const text = error.message.toLowerCase();
  if (text.includes('history') || text.includes('not being changed from existing value')) return 'in_history';
  if (text.includes('too young')) return 'too_young';
  return 'other';
}

/**
 * The rejection a person sees. The minimum length comes from the policy entry when it could be read;
 * without it "too short" cannot say how long is long enough, so it becomes the general directory rule.
 */
export function rejectionOf(refusal: PolicyRefusal, newPassword: string, minLength: number | undefined): PasswordRejection {
  switch (refusal) {
    case 'too_short':
      return minLength === undefined
        ? { code: 'directory_policy' }
        : { code: 'too_short', params: { min: minLength, actual: codePointLength(newPassword) } };
    case 'quality':
      return { code: 'too_weak' };
    case 'other':
      return { code: 'directory_policy' };
    default:
      return { code: refusal };
  }
}
