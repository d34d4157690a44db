import type { DirectoryContacts } from '../../core/ports/directory.js';
import { isE164 } from '../../core/sms/e164.js';

/**
 * A person's own addresses and phone numbers held in directory attributes (`contactAttributes`: AD
 * `otherMailbox`, `mobile`, a custom one), read with the account for enrolment to import as methods.
 * What a directory holds was typed by someone else, often years ago: every value is normalised and checked
 * the way registration checks what a person types, and what fails is left out, never passed on half-fixed.
 */

/** The attributes to read, each list possibly empty. */
export interface ContactAttributes {
  emails: string[];
  phones: string[];
}

/** The longest address or number taken (a registration takes no longer ones). */
const MAX_EMAIL_LENGTH = 254;
const MAX_PHONE_LENGTH = 64;

/** The configured mapping with both lists present; undefined when nothing is mapped (accounts then carry no `contacts`). */
export function resolveContactAttributes(input: { emails?: string[]; phones?: string[] } | undefined): ContactAttributes | undefined {
  if (input === undefined) return undefined;
  return { emails: [...new Set(input.emails ?? [])], phones: [...new Set(input.phones ?? [])] };
}

/** Every attribute name to ask the server for. */
export function contactAttributeNames(attributes: ContactAttributes | undefined): string[] {
  return attributes ? [...attributes.emails, ...attributes.phones] : [];
}

/**
 * The contacts of one entry. `valuesOf` gives every value of an attribute as text (multi-valued ones all).
 * Addresses: NFKC, trimmed, domain in lower case, one `@`, a dot in the domain, no spaces or control
 * characters (as registration's normalizeEmail); each once (compared case-insensitively); the directory's
 * primary `email` left out (it is offered as the directory's own, under the policy's `directoryEmail`).
 * Phones: spaces, dashes, dots and brackets dropped, then E.164 only (as registration's normalizePhone).
 */
export function contactsOf(valuesOf: (name: string) => string[], attributes: ContactAttributes, primaryEmail: string | undefined): DirectoryContacts {
  const primary = primaryEmail === undefined ? undefined : contactEmail(primaryEmail)?.toLowerCase();
  const emails = distinct(attributes.emails.flatMap(valuesOf).map(contactEmail), (email) => email.toLowerCase()).filter((email) => email.toLowerCase() !== primary);
  const phones = distinct(attributes.phones.flatMap(valuesOf).map(contactPhone), (phone) => phone);
  return { emails, phones };
}

/** An address as registration would keep it, or null. */
export function contactEmail(raw: string): string | null {
  const email = raw.normalize('NFKC').trim();
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return null;
  const match = /^([^\s@\p{Cc}]{1,64})@([^\s@\p{Cc}]+\.[^\s@\p{Cc}.]{2,})$/u.exec(email);
  return match ? `${match[1]}@${match[2]!.toLowerCase()}` : null;
}

/** A number in E.164 once punctuation is dropped, or null. */
export function contactPhone(raw: string): string | null {
  if (raw.length > MAX_PHONE_LENGTH) return null;
  const phone = raw.normalize('NFKC').replace(/[\s\-.()\u2010-\u2015]/g, '');
  return isE164(phone) ? phone : null;
}

function distinct(values: (string | null)[], keyOf: (value: string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values) {
    if (value === null || seen.has(keyOf(value))) continue;
    seen.add(keyOf(value));
    out.push(value);
  }
  return out;
}
