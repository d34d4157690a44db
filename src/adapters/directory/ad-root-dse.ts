import type { Client } from 'ldapts';
import { attribute, text } from './ad-account.js';

/** What the DC says about itself in its root DSE. */
export interface AdRootDse {
  /** DN of the domain (`DC=example,DC=com`): its root entry holds the domain's password policy. */
  defaultNamingContext: string;
  /** OIDs of the controls the DC supports. */
  supportedControls: Set<string>;
}

/** Reads the root DSE (the entry with the empty DN), which every DC answers for. */
export async function readRootDse(client: Client): Promise<AdRootDse> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['defaultNamingContext', 'supportedControl'],
  });
  const entry = searchEntries[0];
  const defaultNamingContext = entry ? text(entry, 'defaultNamingContext') : undefined;
  if (!entry || defaultNamingContext === undefined) throw new Error('the DC did not return defaultNamingContext in its root DSE');
  const controls = attribute(entry, 'supportedControl');
  const list = controls === undefined ? [] : Array.isArray(controls) ? controls : [controls];
  return {
    defaultNamingContext,
    supportedControls: new Set(list.map((c) => (Buffer.isBuffer(c) ? c.toString('utf8') : c))),
  };
}
