/** One message captured by the dev outbox (dev mode only). */
export interface CapturedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
}

/** Reads the dev outbox; absent in production mode. */
export interface DevOutboxReader {
  list(limit: number): Promise<CapturedMail[]>;
}
