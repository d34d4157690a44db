import { describe, expect, it } from 'vitest';
import { ConstraintViolationError, InsufficientAccessError, PasswordPolicyControl, PasswordPolicyError } from 'ldapts';
import { policyRefusalOf, rejectionOf } from '../../src/adapters/directory/ppolicy-errors.js';

const answered = (error: number) => new PasswordPolicyControl({ value: { error } });
const silent = () => new PasswordPolicyControl();

describe('policyRefusalOf', () => {
  it.each([
    [PasswordPolicyError.PasswordInHistory, 'in_history'],
    [PasswordPolicyError.PasswordTooShort, 'too_short'],
    [PasswordPolicyError.PasswordTooYoung, 'too_young'],
    [PasswordPolicyError.InsufficientPasswordQuality, 'quality'],
    [PasswordPolicyError.AccountLocked, 'account_locked'],
    [PasswordPolicyError.ChangeAfterReset, 'must_change'],
    [PasswordPolicyError.PasswordModNotAllowed, 'other'],
    [PasswordPolicyError.MustSupplyOldPassword, 'other'],
    [99, 'other'],
  ])('reads the response control: ppolicy error %i is %s', (code, refusal) => {
    expect(policyRefusalOf(new ConstraintViolationError('whatever'), answered(code))).toBe(refusal);
  });

  it('trusts the control over the result code', () => {
    expect(policyRefusalOf(new InsufficientAccessError('no'), answered(PasswordPolicyError.PasswordModNotAllowed))).toBe('other');
  });

  it("without the control, reads OpenLDAP's constraint-violation text", () => {
    expect(policyRefusalOf(new ConstraintViolationError('Password is in history of old passwords'), silent())).toBe('in_history');
    expect(policyRefusalOf(new ConstraintViolationError('Password is not being changed from existing value'), silent())).toBe('in_history');
    expect(policyRefusalOf(new ConstraintViolationError('Password is too young to change'), silent())).toBe('too_young');
    expect(policyRefusalOf(new ConstraintViolationError('Password fails quality checking policy'), silent())).toBe('other');
  });

  it('anything else is not a refusal of the password (the directory is broken or misconfigured)', () => {
    expect(policyRefusalOf(new InsufficientAccessError('no write access'), silent())).toBeNull();
    expect(policyRefusalOf(new Error('connect ECONNREFUSED'), silent())).toBeNull();
  });
});

describe('rejectionOf', () => {
  it('says how long is long enough when the minimum is known, counting code points', () => {
    expect(rejectionOf('too_short', 'pä😀', 8)).toEqual({ code: 'too_short', params: { min: 8, actual: 3 } });
  });

  it('falls back to the general directory rule when the minimum is unknown', () => {
    expect(rejectionOf('too_short', 'short', undefined)).toEqual({ code: 'directory_policy' });
  });

  it('maps the rest to plain reason codes', () => {
    expect(rejectionOf('in_history', 'x', 8)).toEqual({ code: 'in_history' });
    expect(rejectionOf('too_young', 'x', 8)).toEqual({ code: 'too_young' });
    expect(rejectionOf('quality', 'x', 8)).toEqual({ code: 'too_weak' });
    expect(rejectionOf('account_locked', 'x', 8)).toEqual({ code: 'account_locked' });
    expect(rejectionOf('must_change', 'x', 8)).toEqual({ code: 'must_change' });
    expect(rejectionOf('other', 'x', 8)).toEqual({ code: 'directory_policy' });
  });
});
