import type { ClientInfo } from '../ports/client-info.js';

/**
 * What the risk engine asks for, from least to most severe. `proof_of_work`: solve a challenge before the start
 * is taken (or wait, without JavaScript). `step_up`: one proof more than the policy asks, of a strong kind where the
 * person has one. `hold`: the proofs are taken, then the flow waits for an operator. `deny`: the neutral decoy answer.
 */
export const RISK_ACTIONS = ['allow', 'proof_of_work', 'step_up', 'hold', 'deny'] as const;
export type RiskAction = (typeof RISK_ACTIONS)[number];

/** Why a score is what it is: one entry per signal that added points (the audit entry and the console show them). */
export const RISK_REASONS = [
  'ip_velocity',
  'subnet_velocity',
  'account_velocity',
  'tenant_velocity',
  'failed_proofs',
  'new_device',
  'ip_reputation',
  'country',
  'impossible_travel',
  'unusual_hour',
  'attack_mode',
] as const;
export type RiskReason = (typeof RISK_REASONS)[number];

/** One signal's contribution. `detail` holds no secret and no identifier (counts, a country code, a list name, km/h). */
export interface RiskSignal {
  reason: RiskReason;
  points: number;
  detail?: Record<string, string | number | boolean>;
}

/** A score (0–100), the action its band maps to under the person's (or tenant's) risk policy, and the reasons. */
export interface RiskDecision {
  score: number;
  action: RiskAction;
  reasons: RiskSignal[];
}

/** A flow's risk decision as the flow keeps it (decided at the start; later steps enforce it). */
export type FlowRisk = RiskDecision;

/** Who is starting, before any lookup: the same input for every identifier, so the answer says nothing about accounts. */
export interface BeforeLookupInput {
  tenantId: string;
  client: ClientInfo;
  /** The device cookie's value as sent (hashed before it is kept or compared); absent: a new device. */
  device?: string;
}

/** The start's input after the lookup: `account` null for an unknown identifier (the same work is done). */
export interface AfterLookupInput extends BeforeLookupInput {
  // Only what the engine reads of a DirectoryAccount (importing the port's type would close an import cycle through the flow record).
  account: { id: string; groups: readonly string[] } | null;
  /** `accountLimitKey` of the lookup: the account's id or the identifier, hashed. */
  accountKey: string;
  /** The decision before the lookup, whose signals are kept. */
  before: RiskDecision;
}

/**
 * A success to remember. `kind` `reset` (default; a completed reset or unlock) adds the hour to the account's
 * habits and the device to its known ones; `sign_in` (the person's /me session) moves only the place and time.
 * `deviceHash`: the HMAC a flow kept from its start, when the raw cookie is not at hand.
 */
export interface SuccessInput {
  tenantId: string;
  subjectId: string;
  client: ClientInfo;
  device?: string;
  deviceHash?: string | null;
  kind?: 'reset' | 'sign_in';
}

/**
 * Scores a start. Signals that need no account come first (they decide proof-of-work, which must not depend on
 * whether an account exists); the account's own signals are added after the lookup.
 */
export interface RiskAssessor {
  beforeLookup(input: BeforeLookupInput): Promise<RiskDecision>;
  afterLookup(input: AfterLookupInput): Promise<RiskDecision>;
  /** Remembers a successful reset or sign-in (device, place, hour) for the account's later starts. */
  recordSuccess(input: SuccessInput): Promise<void>;
}

/**
 * Whether a start must carry a solved proof-of-work challenge, and checks the one it carries: the tenant's mode
 * (`always`, `never`, `risk`), attack mode, and the decision before the lookup. Throws `UnlatchError('proof_of_work_required')`
 * (with a fresh challenge in its details) when one is needed and missing, wrong, expired or replayed.
 */
export interface ProofOfWorkGate {
  /**
   * When every start needs a proof now (mode `always`, attack mode) and this one carries none, refuses it at once —
   * before the risk engine counts or scores it, so a flood of unsolved starts costs little. Else returns.
   */
  refuseUnproven(input: { tenantId: string; client: ClientInfo; solution?: string; waitTicket?: string }): Promise<void>;
  check(input: { tenantId: string; client: ClientInfo; before: RiskDecision; solution?: string; waitTicket?: string }): Promise<void>;
}
