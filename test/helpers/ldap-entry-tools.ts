import { Attribute, Change, type Client } from 'ldapts';

/** One entry's attributes as lists of strings, read as the bound client (a missing entry reads as empty). */
export async function readEntry(client: Client, dn: string, attributes: string[]): Promise<Record<string, string[]>> {
  const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes });
  const entry = searchEntries[0] ?? { dn };
  return Object.fromEntries(
    Object.entries(entry)
      .filter(([key]) => key !== 'dn')
      .map(([key, value]) => [key, (Array.isArray(value) ? value : [value]).map(String)]),
  );
}

/** Replaces every value of one attribute, as an administrator would with ldapmodify. */
export async function replaceAttribute(client: Client, dn: string, attribute: string, values: string[]): Promise<void> {
  await client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values }) }));
}
