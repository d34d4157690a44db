import { describe, expect, it } from 'vitest';
import { parseTicket } from '../../src/core/helpdesk/ticket.js';
import { checkOptions, maskDestination } from '../../src/core/helpdesk/check-options.js';
import type { RegisteredMethod } from '../../src/core/ports/methods.js';

const refusal = (raw: unknown) => {
  try {
    parseTicket(raw);
    return null;
  } catch (error) {
    return (error as { code: string; details: Record<string, unknown> });
  }
};

describe('helpdesk ticket reference', () => {
  it('takes printable text up to 64 characters, trimmed', () => {
    expect(parseTicket('  INC-0042 ')).toBe('INC-0042');
    expect(parseTicket('Störung #12/3 (VIP)')).toBe('Störung #12/3 (VIP)');
    expect(parseTicket('x'.repeat(64))).toHaveLength(64);
  });

  it('refuses missing, too long, control and invisible characters, naming the field', () => {
    for (const raw of [undefined, ['a'], '', '   ', 'x'.repeat(65), 'INC\n1', 'INC\u0000', 'A\u202Eb', 'zero\u200Bwidth']) {
      expect(refusal(raw)).toMatchObject({ code: 'invalid_request', details: { field: 'ticket' } });
    }
  });
});

describe('helpdesk check options', () => {
  const account = { id: 'a', tenantId: 't', username: 'alice', email: 'alice@example.com', phone: '+15551230001', groups: [], enabled: true, locked: false };
  const method = (m: Partial<RegisteredMethod>): RegisteredMethod => ({ id: 'm', tenantId: 't', subjectId: 'a', kind: 'totp', name: 'n', data: {}, confirmed: true, lastUsedStep: null, createdAt: new Date(), lastUsedAt: null, usedAt: null, ...m });

  it('offers confirmed methods only, phones only with SMS, and the directory mailbox only when trusted', () => {
    const registered = [
      method({ id: 'p1', kind: 'sms_code', name: 'Mobile', data: { phone: '+15551239999' } }),
      method({ id: 'e1', kind: 'email_code', name: 'Home', data: { email: 'al@home.example' } }),
      method({ id: 'e2', kind: 'email_code', name: 'Pending', data: { email: 'x@y.example' }, confirmed: false }),
      method({ id: 't1', kind: 'totp', name: 'App' }),
      method({ id: 'b1', kind: 'backup_code' }),
      method({ id: 'b2', kind: 'backup_code', usedAt: new Date() }),
    ];
    const trusted = checkOptions(account, { directoryEmail: true, directoryPhone: false }, registered, true);
    expect(trusted.map((o) => o.methodId)).toEqual(['p1', 'directory-email', 'e1', 't1', 'backup-codes']);
    // Data for the console to word in the operator's language: names, masked destinations, a count.
    expect(trusted.find((o) => o.methodId === 'backup-codes')).toMatchObject({ name: null, masked: null, unused: 1 });
    expect(trusted.find((o) => o.methodId === 'directory-email')).toMatchObject({ name: null, masked: 'a•••@example.com' });
    expect(trusted.find((o) => o.methodId === 'e1')).toMatchObject({ name: 'Home', masked: 'a•••@home.example' });
    const untrusted = checkOptions(account, { directoryEmail: false, directoryPhone: false }, registered, false);
    expect(untrusted.map((o) => o.methodId)).toEqual(['e1', 't1', 'backup-codes']);
    expect(untrusted.every((o) => !`${o.name} ${o.masked}`.includes('al@home.example'))).toBe(true);
  });

  it('masks destinations', () => {
    expect(maskDestination('sms_code', '+15551230077')).toBe('•••• 0077');
    expect(maskDestination('email_code', 'alice@example.com')).toBe('a•••@example.com');
  });
});
