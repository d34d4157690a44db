import { DIRECTORY_PHONE_ID, directoryEmailOf, directoryPhoneOf } from '../methods/directory-contacts.js';
import type { PolicyDecision } from '../policy/method-policy.js';
import type { DirectoryAccount } from '../ports/directory.js';
import type { HelpdeskCheckKind } from '../ports/helpdesk.js';
import type { RegisteredMethod } from '../ports/methods.js';

/** The method id under which the directory's own address is offered (it has no row of its own). */
export const DIRECTORY_EMAIL_ID = 'directory-email';
/** The one choice for "a backup code read out": whichever unused code the caller reads. */
export const BACKUP_CODES_ID = 'backup-codes';

/** One way the agent can check this caller. `destination` is where a code goes (never shown whole). */
export interface CheckOption {
  methodId: string;
  kind: HelpdeskCheckKind;
  /**
   * What the agent sees, as data the console words in the operator's language: the name the person gave the method
   * (null: the directory's own address or phone), the destination masked (null: no code is sent), and for backup codes
   * how many are unused.
   */
  name: string | null;
  masked: string | null;
  unused?: number;
  destination: string | null;
}

/** `+15551230001` → `•••• 0001`; `alice@example.com` → `a•••@example.com`. */
export function maskDestination(kind: HelpdeskCheckKind, value: string): string {
  if (kind === 'sms_code') return `•••• ${value.slice(-4)}`;
  const at = value.lastIndexOf('@');
  return at <= 0 ? '•••' : `${value[0]}•••${value.slice(at)}`;
}

/**
 * The checks an agent may choose for a person, from what the person registered (confirmed only): a code
 * texted to a phone (when SMS is configured) or mailed to an address, an authenticator app's current code,
 * one of the unused backup codes. The directory's own address and phone count only where the policy trusts
 * them (`directoryEmail`, `directoryPhone`): in a company that mailbox belongs to the very account at stake.
 */
export function checkOptions(
  account: DirectoryAccount,
  decision: Pick<PolicyDecision, 'directoryEmail' | 'directoryPhone'>,
  registered: readonly RegisteredMethod[],
  smsAvailable: boolean,
): CheckOption[] {
  const options: CheckOption[] = [];
  const code = (methodId: string, kind: 'sms_code' | 'email_code', name: string | null, to: string) =>
    options.push({ methodId, kind, name, masked: maskDestination(kind, to), destination: to });
  const confirmed = registered.filter((m) => m.confirmed);
  if (smsAvailable) {
    const phone = directoryPhoneOf(account, decision);
    if (phone) code(DIRECTORY_PHONE_ID, 'sms_code', null, phone);
    for (const m of confirmed) if (m.kind === 'sms_code' && typeof m.data.phone === 'string') code(m.id, 'sms_code', m.name, m.data.phone);
  }
  const email = directoryEmailOf(account, decision);
  if (email) code(DIRECTORY_EMAIL_ID, 'email_code', null, email);
  for (const m of confirmed) if (m.kind === 'email_code' && typeof m.data.email === 'string') code(m.id, 'email_code', m.name, m.data.email);
  for (const m of confirmed) if (m.kind === 'totp') options.push({ methodId: m.id, kind: 'totp', name: m.name, masked: null, destination: null });
  const backups = confirmed.filter((m) => m.kind === 'backup_code' && m.usedAt === null).length;
  if (backups > 0) options.push({ methodId: BACKUP_CODES_ID, kind: 'backup_code', name: null, masked: null, unused: backups, destination: null });
  return options;
}
