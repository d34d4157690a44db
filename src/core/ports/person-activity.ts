/** A reset or unlock flow of one person, as the console lists it (never a code, hash or handle). */
export interface PersonFlow {
  id: string;
  purpose: string;
  state: string;
  /** A decoy flow: started for an identifier that could not reset (the person never saw a difference). */
  decoy: boolean;
  /** Method kinds proven in it. */
  proven: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** Reads what the console shows of a person's activity. */
export interface PersonActivityReader {
  /** The person's flows, newest first. */
  recentFlows(tenantId: string, subjectId: string, limit: number): Promise<PersonFlow[]>;
}
