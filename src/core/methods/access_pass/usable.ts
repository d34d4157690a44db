import type { PolicyDecision } from '../../policy/method-policy.js';

/**
 * Whether a pass would be of any use to the person: the portal takes one only where their policy has self-service
 * on and allows the kind (a configuration that lists `allowedMethods` without `access_pass` turns passes off).
 */
export function accessPassUsable(decision: PolicyDecision): boolean {
  return decision.ssprEnabled && decision.allowedMethods.includes('access_pass');
}
