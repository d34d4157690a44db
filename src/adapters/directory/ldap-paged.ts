import type { Client, Entry, Filter } from 'ldapts';
import type { DirectoryAccount } from '../../core/ports/directory.js';
import { close, type LdapConnector } from './ldap-connection.js';

/** One paged listing of accounts: where, what, and how an entry becomes an account. */
export interface PagedListing {
  connector: LdapConnector;
  baseDn: string;
  filter: Filter;
  attributes: string[];
  /** Attributes ldapts must hand over as bytes (AD's objectGUID). */
  explicitBufferAttributes?: string[];
  pageSize: number;
  /** The account of an entry; `client` is the listing's second connection (for group searches and ranged reads); null skips it. */
  toAccount(client: Client, entry: Entry): Promise<DirectoryAccount | null>;
  /** Any failure as the typed error the adapter throws (`directory_unavailable` for an outage). */
  fail(error: unknown): Error;
}

/**
 * Every account a subtree search finds, one page at a time (RFC 2696 Simple Paged Results, which OpenLDAP
 * and AD both support): one page of entries held at once, the next page asked for only when the caller has
 * taken this one's accounts.
 *
 * Two service connections for the whole listing: one carries only the paged search, the other whatever an
 * entry needs besides (a group search, AD's nested in-chain search — itself paged —, ranged reads). A
 * second paged search on the pager's connection would end the first one's paging on Samba ("Unwilling to
 * perform" in dsdb_paged_results), and servers may drop a paged search's cookie when another operation
 * runs in between. Both are closed when the listing ends, fails, or the caller stops early (a `break`).
 *
 * Why not `client.search` with `paged`: ldapts collects every page into one array before it returns,
 * which for a directory of 100,000 people is 100,000 entries in memory at once.
 */
export async function* listPaged(listing: PagedListing): AsyncGenerator<DirectoryAccount> {
  let client: Client;
  let worker: Client;
  try {
    client = await listing.connector.serviceConnection();
  } catch (error) {
    throw listing.fail(error);
  }
  try {
    worker = await listing.connector.serviceConnection();
  } catch (error) {
    await close(client);
    throw listing.fail(error);
  }
  try {
    const pages = client.searchPaginated(listing.baseDn, {
      scope: 'sub',
      filter: listing.filter,
      attributes: listing.attributes,
      explicitBufferAttributes: listing.explicitBufferAttributes ?? [],
      paged: { pageSize: listing.pageSize },
    });
    for (;;) {
      let entries: Entry[];
      try {
        const page = await pages.next();
        if (page.done === true) return;
        entries = page.value.searchEntries;
      } catch (error) {
        throw listing.fail(error);
      }
      for (const entry of entries) {
        let account: DirectoryAccount | null;
        try {
          account = await listing.toAccount(worker, entry);
        } catch (error) {
          throw listing.fail(error);
        }
        if (account) yield account;
      }
    }
  } finally {
    await Promise.all([close(client), close(worker)]);
  }
}
