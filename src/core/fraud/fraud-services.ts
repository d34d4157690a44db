import type { FraudStore, FrictionStore } from '../ports/fraud.js';
import type { FraudReports } from './fraud-reports.js';
import type { FrictionRatings } from './friction-ratings.js';

/** What the portal and the console use for "this wasn't me" reports, labels and the friction rating. */
export interface FraudServices {
  reports: FraudReports;
  ratings: FrictionRatings;
  /** Holds and labels, read by the console's Fraud area. */
  fraudStore: FraudStore;
  /** The rating counts, read by the console's Fraud area. */
  friction: FrictionStore;
}
