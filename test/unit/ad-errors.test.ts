import { ConstraintViolationError, InsufficientAccessError, InvalidCredentialsError, UnavailableError, UnwillingToPerformError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { classifyAdError, classifyAdResult } from '../../src/adapters/directory/ad-errors.js';

// Diagnostic messages as ldapts hands them over (it appends " Code: 0x…"), captured from Samba 4.17.12.
const SAMBA = {
  wrongPassword: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1 Code: 0x31',
  mustChange: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 773, v1db1 Code: 0x31',
  lockedOut: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 775, v1db1 Code: 0x31',
  disabled: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 533, v1db1 Code: 0x31',
  accountExpired: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 701, v1db1 Code: 0x31',
  logonHours: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 530, v1db1 Code: 0x31',
  workstation: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 531, v1db1 Code: 0x31',
  tooShort: '0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters! Code: 0x13',
  complexity: '0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria! Code: 0x13',
  history: '0000052D: Constraint violation - check_password_restrictions: the password was already used (previous password)! Code: 0x13',
  tooYoung: '0000052D: Constraint violation - check_password_restrictions: password is too young to change! Code: 0x13',
  wrongOld: "00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match! Code: 0x13",
  changeLocked: '00000775: Password change not permitted, account locked out! at ../../source4/dsdb/samdb/ldb_modules/password_hash.c:3929:setup_io Code: 0x13',
  aclModify: 'error in module acl: insufficient access rights during LDB_MODIFY (50) Code: 0x32',
  noWriteProperty: '00002098: Object CN=Alice Example,OU=People,DC=example,DC=test has no write property access\n Code: 0x32',
  plainBind: 'BindSimple: Transport encryption required. Code: 0x8',
  unquoted: "00002035: setup_io: it's not allowed to set the NT hash password directly' Code: 0x35",
};

// The forms Windows Server documents and sends (MS-ADTS, KB articles): no rule named, just the Win32 code.
const WINDOWS = {
  lockedOut: '80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 775, v3839',
  wrongPassword: '80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563',
  noSuchUser: '80090308: LdapErr: DSID-0C0903C5, comment: AcceptSecurityContext error, data 525, v4563',
  passwordExpired: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 532, v1db1',
  mustChange: '80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 773, v3839',
  resetRefused: '0000052D: SvcErr: DSID-031A1248, problem 5003 (WILL_NOT_PERFORM), data 0\n',
  changeRefused: '0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)\n',
  wrongOld: '00000056: AtrErr: DSID-03190F80, #1:\n\t0: 00000056: DSID-03190F80, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)\n',
  insufficientRights: '00000005: SecErr: DSID-03152E29, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0\n',
  plainUnicodePwd: '0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0\n',
};

describe('classifyAdResult: failed binds (result 49, the reason in "data <hex>")', () => {
  it.each([
    [SAMBA.wrongPassword, 'invalid_credentials'],
    [SAMBA.mustChange, 'must_change_password'],
    [SAMBA.lockedOut, 'locked_out'],
    [SAMBA.disabled, 'disabled'],
    [SAMBA.accountExpired, 'account_expired'],
    [SAMBA.logonHours, 'logon_hours'],
    [SAMBA.workstation, 'workstation'],
    [WINDOWS.lockedOut, 'locked_out'],
    [WINDOWS.wrongPassword, 'invalid_credentials'],
    [WINDOWS.noSuchUser, 'invalid_credentials'],
    [WINDOWS.passwordExpired, 'password_expired'],
    [WINDOWS.mustChange, 'must_change_password'],
    ['invalid credentials', 'invalid_credentials'],
    ['80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 999, v3839', 'invalid_credentials'],
  ])('%j → %s', (message, problem) => {
    expect(classifyAdResult(49, message)).toEqual({ kind: 'logon', problem });
  });

  it('reads the data code case-insensitively and does not mistake a DSID digit for it', () => {
    expect(classifyAdResult(49, 'AcceptSecurityContext error, DATA 52E, v893')).toEqual({ kind: 'logon', problem: 'invalid_credentials' });
    expect(classifyAdResult(49, '80090308: LdapErr: DSID-0C090775, comment: AcceptSecurityContext error, data 533, v1')).toEqual({ kind: 'logon', problem: 'disabled' });
  });
});

describe('classifyAdResult: refused passwords (results 19 and 53)', () => {
  it('Samba names the rule; the minimum length comes from its message', () => {
    expect(classifyAdResult(19, SAMBA.tooShort)).toEqual({ kind: 'password', problem: 'too_short', minLength: 7 });
    expect(classifyAdResult(19, SAMBA.complexity)).toEqual({ kind: 'password', problem: 'complexity' });
    expect(classifyAdResult(19, SAMBA.history)).toEqual({ kind: 'password', problem: 'history' });
    expect(classifyAdResult(19, SAMBA.tooYoung)).toEqual({ kind: 'password', problem: 'too_young' });
  });

  it("Windows' 0000052D names no rule: unspecified, for a reset (53) and for a change (19)", () => {
    expect(classifyAdResult(53, WINDOWS.resetRefused)).toEqual({ kind: 'password', problem: 'unspecified' });
    expect(classifyAdResult(19, WINDOWS.changeRefused)).toEqual({ kind: 'password', problem: 'unspecified' });
  });

  it('a wrong old password in a change (00000056) is a logon failure, not a password rule', () => {
    expect(classifyAdResult(19, SAMBA.wrongOld)).toEqual({ kind: 'logon', problem: 'invalid_credentials' });
    expect(classifyAdResult(19, WINDOWS.wrongOld)).toEqual({ kind: 'logon', problem: 'invalid_credentials' });
  });

  it('a change refused because the account is locked (00000775) is a lockout', () => {
    expect(classifyAdResult(19, SAMBA.changeLocked)).toEqual({ kind: 'logon', problem: 'locked_out' });
  });

  it('other refusals of 19 and 53 are not taken for password rules', () => {
    expect(classifyAdResult(53, SAMBA.unquoted)).toEqual({ kind: 'other' });
    expect(classifyAdResult(53, WINDOWS.plainUnicodePwd)).toEqual({ kind: 'other' });
    expect(classifyAdResult(19, 'attribute value out of range')).toEqual({ kind: 'other' });
  });
});

describe('classifyAdResult: everything else', () => {
  it.each([
    [50, SAMBA.aclModify, 'insufficient_rights'],
    [50, SAMBA.noWriteProperty, 'insufficient_rights'],
    [50, WINDOWS.insufficientRights, 'insufficient_rights'],
    [8, SAMBA.plainBind, 'needs_encryption'],
    [13, 'confidentiality required', 'needs_encryption'],
    [12, ' Code: 0xc', 'unsupported_control'],
    [32, '0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT)', 'no_such_object'],
    [51, 'busy', 'unavailable'],
    [52, 'unavailable', 'unavailable'],
    [3, 'time limit exceeded', 'unavailable'],
    [1, 'operations error', 'other'],
    [80, 'other', 'other'],
  ])('result %i %j → %s', (code, message, kind) => {
    expect(classifyAdResult(code, message)).toEqual({ kind });
  });
});

describe('classifyAdError: what ldapts throws', () => {
  it('LDAP results are classified by code and message', () => {
    expect(classifyAdError(new InvalidCredentialsError(SAMBA.lockedOut))).toEqual({ kind: 'logon', problem: 'locked_out' });
    expect(classifyAdError(new ConstraintViolationError(SAMBA.history))).toEqual({ kind: 'password', problem: 'history' });
    expect(classifyAdError(new UnwillingToPerformError(WINDOWS.resetRefused))).toEqual({ kind: 'password', problem: 'unspecified' });
    expect(classifyAdError(new InsufficientAccessError(SAMBA.aclModify))).toEqual({ kind: 'insufficient_rights' });
    expect(classifyAdError(new UnavailableError('x'))).toEqual({ kind: 'unavailable' });
  });

  it('refused, reset, timed-out and TLS-failed connections mean the DC is unavailable', () => {
    const system = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(classifyAdError(system('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:636'))).toEqual({ kind: 'unavailable' });
    expect(classifyAdError(system('ECONNRESET', 'read ECONNRESET'))).toEqual({ kind: 'unavailable' });
    expect(classifyAdError(system('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"))).toEqual({ kind: 'unavailable' });
    expect(classifyAdError(system('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'))).toEqual({ kind: 'unavailable' });
    expect(classifyAdError(new Error('Connection timeout'))).toEqual({ kind: 'unavailable' });
    expect(classifyAdError(new Error('SearchRequest: Operation timed out'))).toEqual({ kind: 'unavailable' });
    expect(classifyAdError(new Error('StartTLS timed out'))).toEqual({ kind: 'unavailable' });
    expect(classifyAdError(new Error('Connection closed before message response was received. Message type: BindRequest (0x60)'))).toEqual({ kind: 'unavailable' });
  });

  it('a bug in our own code is not reported as an outage', () => {
    expect(classifyAdError(new TypeError("Cannot read properties of undefined (reading 'dn')"))).toEqual({ kind: 'other' });
    expect(classifyAdError('a string')).toEqual({ kind: 'other' });
    expect(classifyAdError(undefined)).toEqual({ kind: 'other' });
  });
});
