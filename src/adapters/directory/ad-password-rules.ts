import type { Entry } from 'ldapts';
import type { DirectoryPasswordRules } from '../../core/ports/directory.js';
import { text } from './ad-account.js';

/**
 * Active Directory's password rules as plain numbers, read from the domain root (the Default Domain
 * Policy's values) or from a fine-grained Password Settings Object (PSO) that applies to one person.
 * A PSO replaces the domain's rules completely for the people it applies to; it does not merge.
 */

/** The password rules AD applies to a person (or to everyone, when read without a person). */
export interface AdPasswordRules {
  /** Where the numbers come from: the domain root, or the PSO that applies to this person. */
  source: 'domain' | 'pso';
  /** DN of the PSO that applies to the person, when one does (even when it could not be read). */
  psoDn?: string;
  /**
   * True when a PSO applies but the service account may not read its settings (AD's default ACL):
   * the numbers are the domain's and may not be the ones AD enforces for this person.
   */
  psoUnreadable?: boolean;
  /** Fewest characters (`minPwdLength` / `msDS-MinimumPasswordLength`). */
  minLength: number;
  /** How many previous passwords may not be reused (`pwdHistoryLength`); 0 = none remembered. */
  historyLength: number;
  /**
   * AD's complexity rule (`pwdProperties` bit DOMAIN_PASSWORD_COMPLEX / `msDS-PasswordComplexityEnabled`):
   * characters from three of upper case, lower case, digits, other; and not the account name.
   */
  complexity: boolean;
  /** Seconds that must pass after a change before the next one (`minPwdAge`); 0 = none. */
  minAgeSeconds: number;
  /** Seconds after which a password expires (`maxPwdAge`); null = never. */
  maxAgeSeconds: number | null;
  /** Bad passwords before a lockout (`lockoutThreshold`); 0 = accounts never lock. */
  lockoutThreshold: number;
  /** Seconds a lockout lasts (`lockoutDuration`); null = until an administrator unlocks. */
  lockoutDurationSeconds: number | null;
  /** Seconds after which the bad-password count starts again (`lockOutObservationWindow`). */
  lockoutObservationWindowSeconds: number;
}

/** What of AD's rules a person is shown before choosing a password (the lockout numbers are not theirs to meet). */
export function shownRules(rules: AdPasswordRules): DirectoryPasswordRules {
  return { minLength: rules.minLength, historyLength: rules.historyLength, complexity: rules.complexity, minAgeSeconds: rules.minAgeSeconds };
}

/** The attributes of the domain root that hold the domain's rules. */
export const DOMAIN_POLICY_ATTRIBUTES = [
  'minPwdLength',
  'pwdHistoryLength',
  'pwdProperties',
  'minPwdAge',
  'maxPwdAge',
  'lockoutThreshold',
  'lockoutDuration',
  'lockOutObservationWindow',
];

/** The attributes of a PSO (`msDS-PasswordSettings`) that hold its rules. */
export const PSO_ATTRIBUTES = [
  'msDS-MinimumPasswordLength',
  'msDS-PasswordHistoryLength',
  'msDS-PasswordComplexityEnabled',
  'msDS-MinimumPasswordAge',
  'msDS-MaximumPasswordAge',
  'msDS-LockoutThreshold',
  'msDS-LockoutDuration',
  'msDS-LockoutObservationWindow',
];

/** pwdProperties DOMAIN_PASSWORD_COMPLEX. */
const DOMAIN_PASSWORD_COMPLEX = 0x1;
const TICKS_PER_SECOND = 10_000_000n;
// The largest negative int64: AD's "never" for an interval.
const NEVER = -(2n ** 63n);

/** A rule attribute the service account could not read, or one that holds no number. */
export class UnreadablePolicyError extends Error {
  constructor(attribute: string) {
    super(`password policy attribute ${attribute} is missing or not a number`);
    this.name = 'UnreadablePolicyError';
  }
}

/** The domain's rules from the domain root entry. */
export function domainRules(entry: Entry): AdPasswordRules {
  return {
    source: 'domain',
    minLength: integer(entry, 'minPwdLength'),
    historyLength: integer(entry, 'pwdHistoryLength'),
    complexity: (integer(entry, 'pwdProperties') & DOMAIN_PASSWORD_COMPLEX) !== 0,
    minAgeSeconds: interval(entry, 'minPwdAge') ?? 0,
    maxAgeSeconds: interval(entry, 'maxPwdAge'),
    lockoutThreshold: integer(entry, 'lockoutThreshold'),
    lockoutDurationSeconds: interval(entry, 'lockoutDuration'),
    lockoutObservationWindowSeconds: interval(entry, 'lockOutObservationWindow') ?? 0,
  };
}

/** A PSO's rules; null when its settings are not readable (the object is visible, its attributes are not). */
export function psoRules(entry: Entry): AdPasswordRules | null {
  if (text(entry, 'msDS-MinimumPasswordLength') === undefined) return null;
  return {
    source: 'pso',
    psoDn: entry.dn,
    minLength: integer(entry, 'msDS-MinimumPasswordLength'),
    historyLength: integer(entry, 'msDS-PasswordHistoryLength'),
    complexity: text(entry, 'msDS-PasswordComplexityEnabled')?.toUpperCase() === 'TRUE',
    minAgeSeconds: interval(entry, 'msDS-MinimumPasswordAge') ?? 0,
    maxAgeSeconds: interval(entry, 'msDS-MaximumPasswordAge'),
    lockoutThreshold: integer(entry, 'msDS-LockoutThreshold'),
    lockoutDurationSeconds: interval(entry, 'msDS-LockoutDuration'),
    lockoutObservationWindowSeconds: interval(entry, 'msDS-LockoutObservationWindow') ?? 0,
  };
}

/**
 * An AD interval in seconds. AD stores durations as negative counts of 100-nanosecond ticks; 0 and the
 * largest negative int64 both mean "no limit" (never expires / locked until an administrator unlocks).
 */
export function intervalToSeconds(value: string): number | null {
  if (!/^-?\d+$/.test(value)) throw new RangeError(`not an AD interval: ${value}`);
  const ticks = BigInt(value);
  if (ticks === 0n || ticks === NEVER) return null;
  return Number((ticks < 0n ? -ticks : ticks) / TICKS_PER_SECOND);
}

function interval(entry: Entry, name: string): number | null {
  const value = text(entry, name);
  if (value === undefined) throw new UnreadablePolicyError(name);
  return intervalToSeconds(value);
}

function integer(entry: Entry, name: string): number {
  const value = text(entry, name);
  if (value === undefined || !/^\d+$/.test(value)) throw new UnreadablePolicyError(name);
  return Number(value);
}
