import type { FraudTables } from './fraud-tables.js';
import type { IncidentTables } from './incident-tables.js';
import type { RiskTables } from '../risk/risk-tables.js';

/** Table types shared by SQLite and PostgreSQL. Times are epoch milliseconds; flags are 0/1. */
export interface UsersTable {
  id: string;
  tenant_id: string;
  username: string;
  username_norm: string;
  email: string | null;
  email_norm: string | null;
  phone: string | null;
  display_name: string | null;
  /** JSON array of group names. */
  groups: string;
  password_hash: string | null;
  enabled: number;
  locked: number;
  created_at: number;
  updated_at: number;
  password_changed_at: number | null;
  /** 1: a one-time password the person must change at their next sign-in (migration 0020). */
  must_change: number;
}

export interface ResetFlowsTable {
  id: string;
  handle_hash: string;
  tenant_id: string;
  subject_id: string | null;
  decoy: number;
  supersede_key: string;
  rate_key: string;
  state: string;
  code_hash: string | null;
  code_key_id: string | null;
  attempts: number;
  expires_at: number;
  created_at: number;
  updated_at: number;
  version: number;
  /** JSON array of the method kinds proven so far. */
  proven: string;
  /** Migration 0007: the HMAC of the code texted for a second proof, its key, the phone method, its expiry. */
  sms_code_hash: string | null;
  sms_code_key_id: string | null;
  sms_method_id: string | null;
  sms_code_expires_at: number | null;
  /** Migration 0008: the SHA-256 of the emailed link's token; null once spent or when none was sent. */
  link_hash: string | null;
  /** Migration 0009: `reset` or `unlock`. */
  purpose: string;
  /** Migration 0022: 1 for a synthetic check's canary account (kept out of the user-facing SLIs). */
  canary: number;
  /** Migration 0024: the language the flow was started in (its mails and SMS are written in it); null: none named. */
  lang: string | null;
  /** Migration 0025: the start's risk decision (score, action, reasons as JSON) and the device cookie's HMAC. */
  risk_score: number | null;
  risk_action: string | null;
  risk_reasons: string | null;
  risk_device: string | null;
}

export interface AuditLogTable {
  /** Global, unique, increasing; gaps are normal (PostgreSQL sequence). */
  seq: number;
  /** Which parallel hash chain holds the entry (migration 0011). */
  chain: number;
  /** Position in the chain, contiguous from 1. */
  chain_seq: number;
  id: string;
  at: number;
  tenant_id: string;
  event: string;
  outcome: string;
  actor: string;
  subject_id: string | null;
  flow_id: string | null;
  ip: string | null;
  user_agent: string | null;
  correlation_id: string | null;
  /** JSON object. */
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * Audit counts per tenant, hour or day, event, outcome and dimension (migration 0013), kept in each append's
 * transaction. `shard` is the chain the counted entries were appended to: a chain's rows are only written
 * under that chain's head lock, so the upserts add no lock of their own. Readers sum over shards.
 */
export interface AuditRollupTable {
  tenant_id: string;
  /** `h`: an hour; `d`: a day (UTC). */
  grain: string;
  /** The bucket's start, epoch milliseconds. */
  bucket: number;
  event: string;
  outcome: string;
  /** `''` for the total, else `name=value` (see `rollupDimensions`). */
  dimension: string;
  shard: number;
  count: number;
}

/** One row per chain: its last position and hash; appends lock it so the chain never forks. */
export interface AuditHeadTable {
  /** The chain number, 0 … 63. */
  id: number;
  /** `chain_seq` of the chain's last entry (0 when empty). */
  seq: number;
  hash: string;
}

export interface OutboxTable {
  /** Also the row's key. */
  idempotency_key: string;
  channel: string;
  template: string;
  tenant_id: string;
  flow_id: string | null;
  subject_id: string | null;
  /** Sealed JSON `{to, data}`; erased once delivered or dead. */
  payload: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  claimed_until: number | null;
  claimed_by: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface DevOutboxTable {
  id: string;
  tenant_id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: number;
}

export interface MethodsTable {
  id: string;
  tenant_id: string;
  subject_id: string;
  kind: string;
  name: string;
  secret: string | null;
  /** JSON object. */
  data: string;
  confirmed: number;
  last_used_step: number | null;
  created_at: number;
  last_used_at: number | null;
  used_at: number | null;
  /** Migration 0007: wrong codes typed while confirming a contact address. */
  confirm_attempts: number;
}

export interface SessionsTable {
  token_hash: string;
  tenant_id: string;
  subject_id: string;
  state: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface MethodReviewsTable {
  tenant_id: string;
  subject_id: string;
  reviewed_at: number;
}

/** Single-use WebAuthn challenges (migration 0005). */
export interface ChallengesTable {
  id: string;
  purpose: string;
  owner: string;
  challenge: string;
  /** JSON object of non-secret context (e.g. the passkey name). */
  context: string;
  created_at: number;
  expires_at: number;
}

/** Migration 0009: a lease on an account while a password write or unlock is under way. */
export interface AccountLocksTable {
  tenant_id: string;
  subject_id: string;
  holder: string;
  expires_at: number;
}

/** Console sessions (migration 0012). `grants` is JSON: roles per tenant id. */
export interface AdminSessionsTable {
  token_hash: string;
  tenant_id: string;
  subject_id: string;
  username: string;
  display_name: string;
  via: string;
  grants: string;
  state: string;
  attempts: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Admin API tokens (migration 0012). `tenants` is a JSON array of tenant ids. */
export interface AdminTokensTable {
  id: string;
  token_hash: string;
  name: string;
  role: string;
  tenants: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Verifications of the audit log (migration 0015): one running at a time, with progress and the result. */
export interface AuditVerificationsTable {
  id: string;
  started_at: number;
  finished_at: number | null;
  started_by: string;
  status: string;
  entries_checked: number;
  entries_total: number;
  chains: number | null;
  first_problem: string | null;
  digest: string | null;
  heartbeat_at: number;
}

/** Claims of scheduled report runs (migration 0014): one row per schedule and due time. */
export interface ReportRunsTable {
  schedule_key: string;
  due_at: number;
  claimed_by: string;
  claimed_at: number;
  finished_at: number | null;
}

/** The latest full coverage count per tenant (migration 0016). */
export interface CoverageSnapshotsTable {
  tenant_id: string;
  people: number;
  covered: number;
  computed_at: number;
}

/** Temporary access passes (migration 0017), stored as the SHA-256 of the normalised pass. */
export interface AccessPassesTable {
  id: string;
  tenant_id: string;
  subject_id: string;
  pass_hash: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  uses_left: number;
  used_at: number | null;
  revoked_at: number | null;
}

/** A helpdesk agent's check of a caller (migration 0017): `pending`, `passed` or `failed`. */
export interface HelpdeskChecksTable {
  id: string;
  tenant_id: string;
  subject_id: string;
  agent: string;
  ticket: string;
  method_kind: string;
  method_id: string;
  state: string;
  code_hash: string | null;
  code_key_id: string | null;
  attempts: number;
  created_at: number;
  expires_at: number;
  passed_at: number | null;
  valid_until: number | null;
}

/** A helpdesk action on a protected person, waiting for a second operator (migration 0017). */
export interface HelpdeskRequestsTable {
  id: string;
  tenant_id: string;
  subject_id: string;
  agent: string;
  agent_name: string;
  ticket: string;
  action: string;
  /** JSON object of non-secret parameters. */
  params: string;
  /** `pending`, `approved`, `refused`, `used` (expiry is read from `expires_at`). */
  state: string;
  created_at: number;
  expires_at: number;
  decided_by: string | null;
  decided_at: number | null;
  used_at: number | null;
}

/** Reminders sent, once each (migration 0018): one row per person, kind and round. */
export interface RemindersSentTable {
  tenant_id: string;
  subject_id: string;
  kind: string;
  round_key: string;
  sent_at: number;
  /** 0 for the row noting when a person was first found uncovered (no mail). */
  mailed: number;
}

/** Every table; migration 0023's (fraud reports, friction rating) are in `fraud-tables.ts`. */
export interface Database extends FraudTables, IncidentTables, RiskTables {
  reminders_sent: RemindersSentTable;
  access_passes: AccessPassesTable;
  helpdesk_checks: HelpdeskChecksTable;
  helpdesk_requests: HelpdeskRequestsTable;
  coverage_snapshots: CoverageSnapshotsTable;
  audit_verifications: AuditVerificationsTable;
  admin_sessions: AdminSessionsTable;
  admin_tokens: AdminTokensTable;
  account_locks: AccountLocksTable;
  users: UsersTable;
  reset_flows: ResetFlowsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  audit_rollup: AuditRollupTable;
  outbox: OutboxTable;
  dev_outbox: DevOutboxTable;
  methods: MethodsTable;
  sessions: SessionsTable;
  challenges: ChallengesTable;
  method_reviews: MethodReviewsTable;
  report_runs: ReportRunsTable;
}
