import { describe, expect, it } from 'vitest';
import { CODE_KINDS, FIRST_PROOF_KINDS, METHOD_DESCRIPTORS, METHOD_KINDS, SIGN_IN_KINDS } from '../../src/core/methods/method-kinds.js';
import { PROOF_STRATEGIES, STRATEGIES_BY_CHOICE } from '../../src/core/methods/registry.js';

describe('the method list and the proof strategies', () => {
  it('has one strategy per kind, each with that kind’s own descriptor', () => {
    expect(Object.keys(PROOF_STRATEGIES).sort()).toEqual([...METHOD_KINDS].sort());
    for (const descriptor of METHOD_DESCRIPTORS) expect(PROOF_STRATEGIES[descriptor.kind].descriptor).toBe(descriptor);
    expect(new Set(METHOD_KINDS).size).toBe(METHOD_KINDS.length);
  });

  it('derives the lists the rest of the code reads, in their documented orders', () => {
    expect(METHOD_KINDS).toEqual(['email_code', 'email_link', 'sms_code', 'totp', 'webauthn', 'backup_code', 'questions', 'access_pass']);
    expect(FIRST_PROOF_KINDS).toEqual(['email_code', 'email_link', 'totp', 'backup_code', 'webauthn', 'access_pass']);
    expect(CODE_KINDS).toEqual(['email_code', 'sms_code', 'totp', 'backup_code', 'access_pass']);
    expect(SIGN_IN_KINDS).toEqual(['totp', 'backup_code', 'webauthn', 'sms_code']);
    expect(STRATEGIES_BY_CHOICE.map((s) => s.descriptor.kind)).toEqual(['email_code', 'email_link', 'sms_code', 'webauthn', 'totp', 'backup_code', 'questions', 'access_pass']);
  });

  it('gives every typed-code kind a code shape, and no other kind one', () => {
    for (const descriptor of METHOD_DESCRIPTORS) expect('codeShape' in descriptor).toBe(descriptor.input === 'code');
  });

  it('counts an emailed code and an emailed link as one family, every other kind as its own', () => {
    const families = METHOD_DESCRIPTORS.map((d) => d.family);
    expect(families.filter((f) => f === 'email')).toHaveLength(2);
    expect(new Set(families).size).toBe(METHOD_KINDS.length - 1);
  });
});
