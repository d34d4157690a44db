/** Migration 0028: forced resets after an incident (docs/incident-response.md). */

export interface IncidentsTable {
  id: string;
  tenant_id: string;
  /** `lock` or `strict`. */
  mode: string;
  source: string;
  source_key: string;
  reason: string;
  created_by: string;
  dry_run: number;
  /** `running`, `finished`, `ended`, `dry_run`. */
  state: string;
  expires_at: number;
  created_at: number;
  finished_at: number | null;
}

export interface IncidentPeopleTable {
  incident_id: string;
  seq: number;
  identifier: string;
  subject_id: string | null;
  /** `pending`, `done`, `failed`, `skipped`. */
  state: string;
  reason: string | null;
  notes: string | null;
  updated_at: number;
}

export interface PolicyOverridesTable {
  tenant_id: string;
  subject_id: string;
  incident_id: string;
  required_methods: number;
  require_strong: number;
  created_at: number;
  expires_at: number;
}

/** The tables above, as they appear in `Database`. */
export interface IncidentTables {
  incidents: IncidentsTable;
  incident_people: IncidentPeopleTable;
  policy_overrides: PolicyOverridesTable;
}
