import type { MethodKind } from '../ports/method-kind.js';
import type { ResetState } from './reset-states.js';
import type { FlowRisk } from '../risk/risk-types.js';

/** What a flow ends with once the person has proven who they are. */
export type FlowPurpose = 'reset' | 'unlock';

/** A reset flow as persisted. `handleHash` is the hash of the public flow id; `id` is internal (audit, logs). */
export interface ResetFlowRecord {
  id: string;
  handleHash: string;
  tenantId: string;
  /** Null for a decoy flow (unknown, disabled or excluded account). */
  subjectId: string | null;
  decoy: boolean;
  /**
   * What a newer reset replaces this flow by: the account id, or for a decoy `decoy:<identifier>`, so an
   * old decoy dies when a new one starts for the same identifier, exactly as a real flow would.
   */
  supersedeKey: string;
  /**
   * The per-account rate-limit key (`accountLimitKey`): the resolved account's id, or for an identifier that
   * matched nothing the normalized identifier, hashed. Every spelling of one account shares it.
   */
  rateKey: string;
  state: ResetState;
  codeHash: string | null;
  codeKeyId: string | null;
  attempts: number;
  /** The kinds of method proven so far in this flow. */
  proven: MethodKind[];
  /** The HMAC of the code texted for a second proof (`sms_code`) and its key; null when none is live. */
  smsCodeHash: string | null;
  smsCodeKeyId: string | null;
  /** The phone method the code went to. */
  smsMethodId: string | null;
  smsCodeExpiresAt: Date | null;
  /**
   * The SHA-256 of the token in the emailed link (`email_link`); null once the mailbox has proven something
   * (code or link: one family) or when no link was sent. The link expires with the flow's first step.
   */
  linkHash: string | null;
  /** `reset`: the flow ends with a new password. `unlock`: it ends with the account unlocked, password unchanged. */
  purpose: FlowPurpose;
  /**
   * A synthetic check's canary account (`tenants[].canaryAccounts`), decided once at the start: its audit entries
   * say `canary: true` and its metrics go to the canary series, not the user-facing SLIs. Absent means false.
   */
  canary?: boolean;
  /**
   * The language the flow was started in (a loaded catalogue's, e.g. `de`): its code mail, SMS codes and closing
   * notice are written in it, whichever page or client sends them. Absent: the person's or tenant's default.
   */
  lang?: string | null;
  /**
   * The risk engine's decision at the start (score, action, reasons); later steps enforce `step_up` and `hold`.
   * Absent or null: no decision was recorded (flows from before the risk engine, or risk scoring off).
   */
  risk?: FlowRisk | null;
  /** The HMAC of the device cookie the flow was started with (never the cookie): a known device once the flow completes. */
  riskDevice?: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}
