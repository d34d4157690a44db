import type { Client, Entry } from 'ldapts';
import { text } from './ad-account.js';
import { classifyAdError } from './ad-errors.js';
import { DOMAIN_POLICY_ATTRIBUTES, PSO_ATTRIBUTES, domainRules, psoRules, type AdPasswordRules } from './ad-password-rules.js';

/** The constructed attribute naming the PSO that applies to a person (only sent when asked for). */
export const RESULTANT_PSO = 'msDS-ResultantPSO';

/**
 * Reads the rules AD applies: the domain root's, or — for a person entry read with {@link RESULTANT_PSO} —
 * the PSO's that applies to them. The service account sees which PSO applies but, with AD's default ACL,
 * not its settings: then the domain's numbers come back marked `psoUnreadable`.
 */
export async function readAdPasswordRules(client: Client, domainDn: string, person: Entry | null): Promise<AdPasswordRules> {
  const domain = await client.search(domainDn, { scope: 'base', filter: '(objectClass=*)', attributes: DOMAIN_POLICY_ATTRIBUTES });
  const domainEntry = domain.searchEntries[0];
  if (!domainEntry) throw new Error('the domain root entry is not readable');
  const rules = domainRules(domainEntry);
  const psoDn = person ? text(person, RESULTANT_PSO) : undefined;
  if (psoDn === undefined) return rules;
  let pso: Entry | undefined;
  try {
    pso = (await client.search(psoDn, { scope: 'base', filter: '(objectClass=*)', attributes: PSO_ATTRIBUTES })).searchEntries[0];
  } catch (error) {
    // Not even visible (noSuchObject) is the same as visible but unreadable.
    if (classifyAdError(error).kind !== 'no_such_object') throw error;
  }
  return (pso && psoRules(pso)) ?? { ...rules, psoDn, psoUnreadable: true };
}
