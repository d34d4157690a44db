import type { Client, Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { fileTime } from '../../src/adapters/directory/ad-account-details.js';
import { firstRange, rangedValues, withAllValues } from '../../src/adapters/directory/ad-ranged.js';
import { generalizedTime } from '../../src/adapters/directory/ldap-account-details.js';
import { containsFilter, parsedScopeFilter, scopeFilter } from '../../src/adapters/directory/ldap-people.js';
import { matchesText, pageSizeOf, searchLimitOf, searchTextOf } from '../../src/adapters/directory/people-query.js';
import { copySourcesOf, withoutCopies } from '../../src/adapters/directory/router-copies.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';

describe('people search input', () => {
  it('normalizes the text (NFKC, trimmed) and refuses what no name holds', () => {
    expect(searchTextOf('  Ju\u0308rgen ')).toBe('Jürgen');
    expect(searchTextOf('   ')).toBe('');
    for (const bad of [42, null, ['a'], 'a'.repeat(257), 'a\u0000b', 'x\ty']) expect(() => searchTextOf(bad)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('takes limits from 0 to 1000 and page sizes from 1 to 1000 (default 500)', () => {
    expect(searchLimitOf(0)).toBe(0);
    expect(searchLimitOf(1000)).toBe(1000);
    for (const bad of [-1, 1001, 2.5, Number.NaN, '10']) expect(() => searchLimitOf(bad)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(pageSizeOf(undefined)).toBe(500);
    expect(pageSizeOf({})).toBe(500);
    expect(pageSizeOf({ pageSize: 1 })).toBe(1);
    for (const bad of [0, 1001, 1.5]) expect(() => pageSizeOf({ pageSize: bad })).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('matches username, email and display name, folded as identifiers are', () => {
    const person = { username: 'jürgen', email: 'Juergen@Example.org', displayName: 'Jürgen Groß' };
    expect(matchesText(person, 'JÜR')).toBe(true);
    expect(matchesText(person, 'EXAMPLE.ORG')).toBe(true);
    expect(matchesText(person, 'groß')).toBe(true);
    expect(matchesText(person, '%')).toBe(false);
    expect(matchesText(person, '')).toBe(false);
  });
});

describe('LDAP people filters', () => {
  it('the scope is the lookup template with * for the value', () => {
    expect(scopeFilter('(&(objectClass=inetOrgPerson)(|(uid={value})(mail={value})))')).toBe('(&(objectClass=inetOrgPerson)(|(uid=*)(mail=*)))');
    expect(() => parsedScopeFilter('(&(objectClass=person)(uid={value}))')).not.toThrow();
    expect(() => parsedScopeFilter('(uid={value}')).toThrow(expect.objectContaining({ code: 'internal', details: { reason: 'user_filter_not_listable' } }));
  });

  it('the text goes between the wildcards escaped: its metacharacters are characters', () => {
    expect(containsFilter(['uid', 'mail', 'uid'], '*)(uid=*')).toBe('(|(uid=*\\2a\\29\\28uid=\\2a*)(mail=*\\2a\\29\\28uid=\\2a*))');
    expect(containsFilter(['cn'], 'a\\b')).toBe('(|(cn=*a\\5cb*))');
  });
});

describe('directory times', () => {
  it('reads GeneralizedTime with fractions and offsets, and nothing else', () => {
    expect(generalizedTime('20240102030405Z')?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(generalizedTime('20240102030405.123456Z')?.toISOString()).toBe('2024-01-02T03:04:05.123Z');
    expect(generalizedTime('20240102030405+0130')?.toISOString()).toBe('2024-01-02T01:34:05.000Z');
    expect(generalizedTime('202401020304Z')?.toISOString()).toBe('2024-01-02T03:04:00.000Z');
    for (const bad of [undefined, '', 'yesterday', '2024-01-02T03:04:05Z', '20240102030405']) expect(generalizedTime(bad)).toBeUndefined();
  });

  it('turns FILETIMEs into dates; 0 and the largest value are no date', () => {
    expect(fileTime('116444736000000000')?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(fileTime('133497600000000000')?.toISOString()).toBe('2024-01-15T02:40:00.000Z');
    for (const none of [undefined, '0', '9223372036854775807', '-1', 'soon']) expect(fileTime(none)).toBeUndefined();
  });
});

/** A client that answers base searches for ranges from a list of values, `max` at a time (as AD's MaxValRange). */
function rangingClient(values: string[], max: number): Client & { asked: string[] } {
  const asked: string[] = [];
  const client = {
    asked,
    async search(_dn: string, options: { attributes: string[] }) {
      const wanted = options.attributes[0]!;
      asked.push(wanted);
      const [, low, high] = /range=(\d+)-(\d+|\*)/.exec(wanted)!;
      const from = Number(low);
      const to = Math.min(high === '*' ? values.length - 1 : Number(high), from + max - 1);
      if (from >= values.length) return { searchEntries: [{ dn: 'cn=x' }], searchReferences: [] };
      const last = to >= values.length - 1;
      return { searchEntries: [{ dn: 'cn=x', [`memberOf;range=${from}-${last ? '*' : to}`]: values.slice(from, to + 1) }], searchReferences: [] };
    },
  };
  return client as unknown as Client & { asked: string[] };
}

describe('ranged retrieval (memberOf;range=…)', () => {
  const values = Array.from({ length: 7 }, (_, i) => `CN=g${i},DC=x`);

  it('follows the ranges the server names until one ends in *', async () => {
    const client = rangingClient(values, 3);
    // Asked for 0-1499 (ldapts then adds that name as an empty placeholder), answered 0-2: a lower MaxValRange.
    const first: Entry = { dn: 'cn=x', 'memberOf;range=0-2': values.slice(0, 3), [firstRange('memberOf')]: [] };
    expect(await rangedValues(client, first, 'memberOf', 3)).toEqual(values);
    expect(client.asked).toEqual(['memberOf;range=3-5', 'memberOf;range=6-8']);
  });

  it('takes a plain or a final answer as it is, and ldapts placeholders as nothing', async () => {
    const client = rangingClient(values, 3);
    expect(await rangedValues(client, { dn: 'cn=x', memberOf: values }, 'memberOf')).toEqual(values);
    expect(await rangedValues(client, { dn: 'cn=x', 'memberOf;range=0-*': values[0]! }, 'memberOf')).toEqual([values[0]]);
    expect(await rangedValues(client, { dn: 'cn=x', 'memberOf;range=0-1499': [] }, 'memberOf')).toEqual([]);
    expect(client.asked).toEqual([]);
    const merged = await withAllValues(client, { dn: 'cn=x', cn: 'x', 'memberOf;range=0-2': values.slice(0, 3) }, 'memberOf', 3);
    expect(merged).toEqual({ dn: 'cn=x', cn: 'x', memberOf: values });
  });

  it('a server that answers out of order is an error, never a partial list', async () => {
    const client = {
      search: async () => ({ searchEntries: [{ dn: 'cn=x', 'memberOf;range=0-*': ['again'] }], searchReferences: [] }),
    } as unknown as Client;
    await expect(rangedValues(client, { dn: 'cn=x', 'memberOf;range=0-2': ['a', 'b', 'c'] }, 'memberOf', 3)).rejects.toThrow(/asked from 3/);
  });
});

describe('copies between directories', () => {
  const a = { name: 'a', alsoWriteTo: ['b'] };
  const b = { name: 'b', alsoWriteTo: [] as string[] };
  const account = (username: string) => ({ username }) as DirectoryAccount;

  it('a copy directory account with the same username is the same person', () => {
    const matches = [
      { routed: a, account: account('Bob') },
      { routed: b, account: account('bob') },
    ];
    expect(withoutCopies(matches)).toEqual([matches[0]]);
    expect(copySourcesOf(b, [a, b])).toEqual([a]);
    expect(copySourcesOf(a, [a, b])).toEqual([]);
  });

  it('of two directories that copy to each other, the first listed keeps its people', () => {
    const x = { name: 'x', alsoWriteTo: ['y'] };
    const y = { name: 'y', alsoWriteTo: ['x'] };
    expect(copySourcesOf(x, [x, y])).toEqual([]);
    expect(copySourcesOf(y, [x, y])).toEqual([x]);
  });
});
