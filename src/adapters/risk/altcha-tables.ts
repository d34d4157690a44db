/** Migration 0027's tables (proof-of-work and attack mode), as the adapters in this folder see them. */
export type ProofOfWorkTables = {
  proof_of_work_spent: { id: string; expires_at: number };
  attack_mode_counts: { tenant_id: string; minute: number; starts: number };
  attack_mode_state: {
    tenant_id: string;
    active: number;
    /** `auto`, `on` or `off`. */
    override: string;
    entered_at: number | null;
    calm_since: number | null;
    changed_by: string | null;
    updated_at: number;
    version: number;
  };
};
