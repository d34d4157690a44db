import type { Client, Entry } from 'ldapts';
import type { DirectoryPasswordRules } from '../../core/ports/directory.js';
import { firstOf } from './ldap-entry.js';

/** The ppolicy attributes that say what a new password must be. */
const POLICY_ATTRIBUTES = ['pwdMinLength', 'pwdInHistory', 'pwdMinAge'];

/**
 * The ppolicy rules that govern an entry: its own `pwdPolicySubentry`, else the configured default policy DN.
 * Null when neither is known or readable (slapd's default policy lives in its config, not in the tree).
 */
export async function readLdapPasswordRules(client: Client, entry: Entry, defaultPolicyDn: string | undefined): Promise<DirectoryPasswordRules | null> {
  const policyDn = firstOf(entry, ['pwdPolicySubentry']) ?? defaultPolicyDn;
  if (policyDn === undefined) return null;
  const { searchEntries } = await client.search(policyDn, { scope: 'base', filter: '(objectClass=*)', attributes: POLICY_ATTRIBUTES });
  const policy = searchEntries[0];
  if (!policy) return null;
  const number = (name: string) => {
    const value = Number.parseInt(firstOf(policy, [name]) ?? '', 10);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const rules: DirectoryPasswordRules = {};
  const minLength = number('pwdMinLength');
  const historyLength = number('pwdInHistory');
  const minAgeSeconds = number('pwdMinAge');
  if (minLength !== undefined) rules.minLength = minLength;
  if (historyLength !== undefined) rules.historyLength = historyLength;
  if (minAgeSeconds !== undefined) rules.minAgeSeconds = minAgeSeconds;
  return rules;
}
