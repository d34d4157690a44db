/** How one configured post-reset hook is doing, for the console's System page (one tenant's rows). */
export interface HookHealth {
  name: string;
  /** The preset (`keycloak`, `okta`, `microsoft-graph`, `oidc-backchannel`, `webhook`). */
  preset: string;
  /** The events it hears. */
  events: readonly string[];
  /** Deliveries waiting (first try or a retry after a failure). */
  pending: number;
  /** Of those, how many failed at least once already. */
  retrying: number;
  /** Deliveries given up after every retry (each audited as `hook.failed`). */
  dead: number;
  /** When the newest delivery succeeded (delivered rows are kept `outbox.retentionDays`). */
  lastSuccessAt: Date | null;
  /** The newest failure on record and when its event happened. */
  lastError: { message: string; queuedAt: Date } | null;
}
