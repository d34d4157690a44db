/** The lines of `unlatch directory check` and of the console's directory health, apart from the LDAP checks that make them. */

/** ✓ can, ✗ cannot, ? could not tell, – not checked. */
export type CheckStatus = 'ok' | 'missing' | 'unknown' | 'skipped';

/** One line of the report. */
export interface CheckItem {
  status: CheckStatus;
  /** What was checked: `bind as cn=unlatch,…`, `email (mail)`, `reset password`. */
  label: string;
  /** The finding or the reason, in words an administrator can act on. */
  detail?: string;
}

export const ok = (label: string, detail?: string): CheckItem => ({ status: 'ok', label, detail });
export const missing = (label: string, detail?: string): CheckItem => ({ status: 'missing', label, detail });
export const unknown = (label: string, detail?: string): CheckItem => ({ status: 'unknown', label, detail });
export const skipped = (label: string, detail?: string): CheckItem => ({ status: 'skipped', label, detail });
