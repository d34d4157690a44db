/** Who is asking, as far as the edge can tell; recorded in audit entries and used for rate-limit keys. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
  correlationId: string;
}
