/** Who is asking, as far as the edge can tell; recorded in audit entries and used for rate-limit keys. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
  correlationId: string;
  /**
   * The languages the person asked for (the switcher's choice first, then Accept-Language, in that syntax); the
   * messages this request sends are written in the best loaded one. Absent: the person's or tenant's default.
   */
  lang?: string;
}
