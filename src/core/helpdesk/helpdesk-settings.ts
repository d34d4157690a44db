/** Tunables of the helpdesk (config key `helpdesk`; see docs/helpdesk.md). */
export interface HelpdeskSettings {
  /** Minutes a passed check lets its agent act for that person and ticket. */
  checkValidMinutes: number;
  /** Minutes a code sent to the caller can be read back. */
  codeTtlMinutes: number;
  /** Wrong answers one check survives. */
  maxCodeAttempts: number;
  accessPass: {
    /** A new pass's lifetime unless the agent picks another (10–1440). */
    defaultMinutes: number;
    /** The longest lifetime an agent may pick. */
    maxMinutes: number;
    /** The most uses an agent may give one pass (1: single use). */
    maxUses: number;
  };
  /** Groups whose members need a second operator's approval; absent: the policy's excluded groups. */
  protectedGroups?: readonly string[];
  /** Minutes a request waits for approval, and an approved one for its action. */
  approvalMinutes: number;
}

/** The shortest lifetime of a temporary access pass (minutes). */
export const ACCESS_PASS_MIN_MINUTES = 10;

/** Digits of a code sent to a caller's phone or address (SECURITY.md: at least 6). */
export const HELPDESK_CODE_DIGITS = 6;

export const DEFAULT_HELPDESK_SETTINGS: HelpdeskSettings = {
  checkValidMinutes: 15,
  codeTtlMinutes: 10,
  maxCodeAttempts: 3,
  accessPass: { defaultMinutes: 60, maxMinutes: 1440, maxUses: 1 },
  approvalMinutes: 30,
};

/** The limiter buckets of caller checks, sized from `helpdesk.limits` (added to the app's one limiter). */
export function helpdeskBucketSettings(limits: {
  perAgent: { points: number; durationSeconds: number };
  perPerson: { points: number; durationSeconds: number };
}): Record<'helpdesk_agent' | 'helpdesk_person', { points: number; durationSeconds: number }> {
  return { helpdesk_agent: { ...limits.perAgent }, helpdesk_person: { ...limits.perPerson } };
}
