import type { Client, Entry, Filter } from 'ldapts';
import { UnlatchError } from '../../core/errors.js';
import type { DirectoryAccount, DirectoryAccountDetails, ListPeopleOptions } from '../../core/ports/directory.js';
import { accountAttributes, text } from './ad-account.js';
import { readAdAccountDetails } from './ad-account-details.js';
import { asUnlatchError } from './ad-failure.js';
import { PERSON_FILTER } from './ad-filter.js';
import { guidFromString } from './ad-guid.js';
import type { ResolvedAdOptions } from './ad-options.js';
import { DEFAULT_RANGE_STEP, firstRange, withAllValues } from './ad-ranged.js';
import type { LdapConnector } from './ldap-connection.js';
import { parseFilter } from './ldap-filter.js';
import { listPaged, type PagedListing } from './ldap-paged.js';
import { containsFilter, parsedScopeFilter, scopeFilter } from './ldap-people.js';
import { byUsername, pageSizeOf, searchLimitOf, searchTextOf } from './people-query.js';

/**
 * The operator console's people search and listing on Active Directory: the same base and person filter
 * as a lookup (`(objectCategory=person)(objectClass=user)` and `userFilter`), paged results for the listing
 * (AD's MaxPageSize is 1000), and ranged retrieval of `memberOf` for people in more groups than AD sends
 * at once (MaxValRange, 1500). Nested groups are read per person, as for a lookup.
 */

/** Listing options of the AD adapter: the port's, and the range step of `memberOf` (tuning and tests). */
export interface AdListPeopleOptions extends ListPeopleOptions {
  /** Values of `memberOf` asked for per range. Default 1500 (AD's MaxValRange); AD sends fewer if its limit is lower. */
  rangeStep?: number;
}

/** What the listing and the search need of the adapter. */
export interface AdPeopleDeps {
  connector: LdapConnector;
  options: ResolvedAdOptions;
  /** The adapter's own entry → account (with groups, nested or direct), on the given connection. */
  toAccount(client: Client, entry: Entry): Promise<DirectoryAccount | null>;
  /** The current DN of the person with this raw objectGUID, or null. */
  findDn(client: Client, guid: Buffer): Promise<string | null>;
  /** The domain's DN (root DSE `defaultNamingContext`), where `maxPwdAge` is. */
  namingContext(client: Client): Promise<string>;
}

/** The people search, the listing and the account details of one AD adapter. */
export class AdPeople {
  constructor(private readonly deps: AdPeopleDeps) {}

  /** The Directory port's `searchPeople` (see {@link searchAdPeople}). */
  async search(tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]> {
    const [wanted, max] = [searchTextOf(text), searchLimitOf(limit)];
    if (tenantId !== this.deps.options.tenantId || wanted === '' || max === 0) return [];
    return this.run('people search', () => this.deps.connector.asService((client) => searchAdPeople(client, this.deps, wanted, max)));
  }

  /** The Directory port's `listPeople` (see {@link adPeopleListing}); `rangeStep` must be a positive whole number. */
  async *list(tenantId: string, options?: AdListPeopleOptions): AsyncIterable<DirectoryAccount> {
    const pageSize = pageSizeOf(options);
    const step = options?.rangeStep ?? DEFAULT_RANGE_STEP;
    if (!Number.isInteger(step) || step < 1) throw new UnlatchError('invalid_request', { field: 'rangeStep' }, 'rangeStep must be a positive whole number');
    if (tenantId !== this.deps.options.tenantId) return;
    yield* listPaged(adPeopleListing(this.deps, pageSize, step, (error) => asUnlatchError(error, 'people listing')));
  }

  /** The Directory port's `accountDetails` (see readAdAccountDetails); `{}` when the account is gone or another tenant's. */
  async details(account: DirectoryAccount): Promise<DirectoryAccountDetails> {
    const guid = guidFromString(account.id);
    if (account.tenantId !== this.deps.options.tenantId || !guid) return {};
    return this.run('account details', () =>
      this.deps.connector.asService(async (client) => {
        const dn = await this.deps.findDn(client, guid);
        return dn ? readAdAccountDetails(client, dn, () => domainMaxPwdAge(client, this.deps)) : {};
      }),
    );
  }

  private async run<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw asUnlatchError(error, action);
    }
  }
}

/** The listing of everyone a lookup could find, for listPaged. `memberOf` is read in full (ranged) in direct mode. */
export function adPeopleListing(deps: AdPeopleDeps, pageSize: number, rangeStep: number, fail: (error: unknown) => Error): PagedListing {
  const direct = !deps.options.groups.nested;
  const attributes = accountAttributes(deps.options.attributes).filter((name) => name !== 'memberOf');
  // Direct groups come from memberOf: asked for as its first range, so a long list comes in parts, not cut off.
  if (direct) attributes.push(firstRange('memberOf', rangeStep));
  return {
    connector: deps.connector,
    baseDn: deps.options.baseDn,
    filter: personScope(deps.options),
    attributes,
    explicitBufferAttributes: ['objectGUID'],
    pageSize,
    toAccount: async (client, entry) => deps.toAccount(client, direct ? await withAllValues(client, entry, 'memberOf', rangeStep) : entry),
    fail,
  };
}

/**
 * Up to `limit` people whose sAMAccountName, email or display name contains `text` (escaped; AD matches
 * case-insensitively), as accounts in username order. `text` is normalized and not empty.
 */
export async function searchAdPeople(client: Client, deps: AdPeopleDeps, text: string, limit: number): Promise<DirectoryAccount[]> {
  const { options } = deps;
  const match = containsFilter(['sAMAccountName', options.attributes.email, options.attributes.displayName], text);
  const { searchEntries } = await client.search(options.baseDn, {
    scope: 'sub',
    filter: parseFilter(`(&${PERSON_FILTER}${scopeFilter(options.userFilter)}${match})`),
    attributes: accountAttributes(options.attributes),
    explicitBufferAttributes: ['objectGUID'],
    // At most 1000 (MAX_SEARCH_LIMIT), which is AD's MaxPageSize: one answer, no paging needed.
    sizeLimit: limit,
  });
  const accounts: DirectoryAccount[] = [];
  for (const entry of searchEntries.slice(0, limit)) {
    const account = await deps.toAccount(client, options.groups.nested ? entry : await withAllValues(client, entry, 'memberOf'));
    if (account) accounts.push(account);
  }
  return accounts.sort(byUsername);
}

/** The domain's `maxPwdAge` (a negative FILETIME interval), read from the domain's root entry. */
async function domainMaxPwdAge(client: Client, deps: AdPeopleDeps): Promise<string | undefined> {
  const { searchEntries } = await client.search(await deps.namingContext(client), { scope: 'base', filter: '(objectClass=*)', attributes: ['maxPwdAge'] });
  return searchEntries[0] ? text(searchEntries[0], 'maxPwdAge') : undefined;
}

/** `(&(objectCategory=person)(objectClass=user)<userFilter with * for {value}>)`. */
function personScope(options: ResolvedAdOptions): Filter {
  return parsedScopeFilter(`(&${PERSON_FILTER}${options.userFilter})`);
}
