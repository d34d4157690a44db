/**
 * Who has registered a way to prove themselves (the coverage report): one read per tenant, never one query
 * per person. A method counts when it is confirmed and can still be used (a spent backup code does not).
 */
export interface MethodCoverage {
  /** The subject ids of the tenant holding at least one usable method. */
  subjectsWithMethods(tenantId: string): Promise<ReadonlySet<string>>;
}

/** A tenant's registration coverage as a full run of the coverage report counted it. */
export interface CoverageSnapshot {
  /** Enabled people in scope. */
  people: number;
  /** Of them, people with a usable method of their own. */
  covered: number;
  computedAt: Date;
}

/** The latest full coverage count per tenant: kept by the coverage report, shown by the overview. */
export interface CoverageSnapshots {
  record(tenantId: string, snapshot: CoverageSnapshot): Promise<void>;
  latest(tenantId: string): Promise<CoverageSnapshot | null>;
}
