/**
 * Who has registered a way to prove themselves (the coverage report): one read per tenant, never one query
 * per person. A method counts when it is confirmed and can still be used (a spent backup code does not).
 */
export interface MethodCoverage {
  /** The subject ids of the tenant holding at least one usable method. */
  subjectsWithMethods(tenantId: string): Promise<ReadonlySet<string>>;
}
