/** Migration 0023: "this wasn't me" links, self-service holds, fraud labels and the anonymous friction rating. */

export interface ReportLinksTable {
  /** SHA-256 of the link's token; the token itself is only in the (sealed) mail. */
  token_hash: string;
  tenant_id: string;
  subject_id: string;
  flow_id: string | null;
  /** The notice's template (`password_changed`, `methods_changed`, …). */
  event: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SelfServiceHoldsTable {
  tenant_id: string;
  subject_id: string;
  /** `fraud_report`: the person said a change was not them. */
  reason: string;
  flow_id: string | null;
  created_at: number;
  /** Migration 0028: when the hold ends by itself (an incident's); null: when an operator ends it. */
  expires_at: number | null;
  /** Migration 0028: the incident that placed the hold, if one did. */
  incident_id: string | null;
}

export interface FraudLabelsTable {
  id: string;
  tenant_id: string;
  subject_id: string | null;
  flow_id: string | null;
  /** `fraud` or `legitimate`. */
  label: string;
  /** `person` (a confirmed "this wasn't me") or `operator` (the console). */
  source: string;
  /** `self`, or the operator's id. */
  actor: string;
  created_at: number;
}

export interface RatingTokensTable {
  token_hash: string;
  expires_at: number;
}

export interface FrictionRatingsTable {
  tenant_id: string;
  /** `reset` or `change`. */
  flow: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  rating: number;
  count: number;
}

/** The tables above, as they appear in {@link Database}. */
export interface FraudTables {
  report_links: ReportLinksTable;
  self_service_holds: SelfServiceHoldsTable;
  fraud_labels: FraudLabelsTable;
  rating_tokens: RatingTokensTable;
  friction_ratings: FrictionRatingsTable;
}
