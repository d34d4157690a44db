import type { DirectoryAccount } from '../ports/directory.js';
import type { RegisteredMethod } from '../ports/methods.js';
import { contactKey } from './contact-import-rows.js';

/** Contact data the organisation holds for a person: private addresses and E.164 phone numbers. */
export interface ImportedContacts {
  emails: readonly string[];
  phones: readonly string[];
}

/** Where imported contact data came from: a CSV file from HR, or the directory's mapped attributes. */
export type ContactSource = 'import' | 'directory';

/** The method kinds contact data becomes. */
export type ContactKind = 'email_code' | 'sms_code';

/** One contact to add as a method. */
export interface PlannedContact {
  kind: ContactKind;
  /** The address (`data.email`) or E.164 number (`data.phone`). */
  value: string;
}

/** What importing a person's contacts changes: the methods to add, and pending copies they replace. */
export interface ContactPlan {
  add: PlannedContact[];
  /** Unconfirmed methods with the same value, replaced by the confirmed import (only when imports are trusted). */
  remove: RegisteredMethod[];
}

/** The value a contact method holds, or null when it is not one. */
export function contactValueOf(method: RegisteredMethod): { kind: ContactKind; value: string } | null {
  if (method.kind === 'email_code' && typeof method.data.email === 'string') return { kind: 'email_code', value: method.data.email };
  if (method.kind === 'sms_code' && typeof method.data.phone === 'string') return { kind: 'sms_code', value: method.data.phone };
  return null;
}

/**
 * Decides what importing `contacts` changes for a person, idempotently: a value the person already has
 * (confirmed, or pending while imports are not trusted) is left alone, as is the directory's own address.
 * With `trusted`, a value that is only pending (an earlier untrusted import, or the person's own registration
 * not yet confirmed) is replaced by a confirmed method: the organisation vouches for it now.
 */
export function planContacts(account: Pick<DirectoryAccount, 'email'>, contacts: ImportedContacts, existing: readonly RegisteredMethod[], trusted: boolean): ContactPlan {
  const plan: ContactPlan = { add: [], remove: [] };
  const wanted: PlannedContact[] = [
    ...contacts.emails.map((value) => ({ kind: 'email_code' as const, value })),
    ...contacts.phones.map((value) => ({ kind: 'sms_code' as const, value })),
  ];
  const directoryEmail = account.email ? contactKey(account.email) : null;
  for (const contact of wanted) {
    const key = contactKey(contact.value);
    if (contact.kind === 'email_code' && key === directoryEmail) continue;
    if (plan.add.some((p) => p.kind === contact.kind && contactKey(p.value) === key)) continue;
    const same = existing.filter((m) => {
      const held = contactValueOf(m);
      return held !== null && held.kind === contact.kind && contactKey(held.value) === key;
    });
    if (same.some((m) => m.confirmed)) continue;
    if (same.length > 0 && !trusted) continue;
    plan.remove.push(...same);
    plan.add.push(contact);
  }
  return plan;
}

/** Whether a plan changes nothing. */
export function isEmptyPlan(plan: ContactPlan): boolean {
  return plan.add.length === 0 && plan.remove.length === 0;
}
