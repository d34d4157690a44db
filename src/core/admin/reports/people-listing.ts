import { UnlatchError } from '../../errors.js';
import type { DirectoryAccount, DirectoryAccountDetails } from '../../ports/directory.js';
import type { ReportSources } from './report.js';

/** Every person of the tenant's directories, page by page; people outside `group` (when set) are left out. */
export async function* peopleOf(sources: ReportSources, tenantId: string, group: string | null): AsyncGenerator<DirectoryAccount> {
  const { directory } = sources;
  if (!directory.listPeople) throw new UnlatchError('invalid_request', { reason: 'directory_cannot_list' }, 'this directory cannot list its people');
  const options = sources.listPageSize === undefined ? {} : { pageSize: sources.listPageSize };
  for await (const account of directory.listPeople(tenantId, options)) {
    if (group === null || account.groups.includes(group)) yield account;
  }
}

/**
 * Maps accounts to results `width` at a time (a directory read per account, overlapped), keeping their order.
 * Memory holds one batch.
 */
export async function* inBatches<A, B>(items: AsyncIterable<A>, width: number, map: (item: A) => Promise<B>): AsyncGenerator<[A, B]> {
  let batch: A[] = [];
  const flush = async function* () {
    const results = await Promise.all(batch.map(map));
    for (const [i, item] of batch.entries()) yield [item, results[i]!] as [A, B];
    batch = [];
  };
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= width) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/** What the directory tells of an account beyond the listing; `{}` where it cannot tell. */
export function detailsOf(sources: ReportSources): (account: DirectoryAccount) => Promise<DirectoryAccountDetails> {
  return (account) => sources.directory.accountDetails?.(account) ?? Promise.resolve({});
}
