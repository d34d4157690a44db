import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DirectoryMetrics } from '../../src/adapters/observability/timed-directory.js';
import { UnlatchError } from '../../src/core/errors.js';
import type { Directory, DirectoryAccount } from '../../src/core/ports/directory.js';
import type { StoreTx } from '../../src/core/ports/store.js';

const account: DirectoryAccount = { id: 'u1', tenantId: 't', username: 'u', groups: [], enabled: true, locked: false };

/** A directory whose writes can be told to fail, without the optional searchPeople. */
function fakeDirectory(options: { failCommit?: boolean } = {}): Directory {
  return {
    findByIdentifier: async () => account,
    findById: async () => null,
    verifyPassword: async () => false,
    verifyDummy: async () => undefined,
    preparePasswordWrite: async () => ({
      commit: async () => {
        if (options.failCommit) throw new UnlatchError('directory_unavailable');
      },
    }),
    changePassword: async () => ({ commit: async () => undefined }),
    unlock: async () => undefined,
    async *listPeople() {
      yield account;
      yield account;
    },
  };
}

const countOf = async (registry: Registry, labels: Record<string, string>) => {
  const metric = await registry.getSingleMetric('unlatch_directory_operation_duration_seconds')!.get();
  const sample = metric.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count') && Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return sample?.value ?? 0;
};

describe('the timed directory decorator', () => {
  it('times each call by operation and outcome, a thrown error as error, and passes results through', async () => {
    const registry = new Registry();
    const metrics = new DirectoryMetrics(registry);
    const directory = metrics.wrap('ldap-1', fakeDirectory({ failCommit: true }));

    expect(await directory.findByIdentifier('t', 'u')).toBe(account);
    expect(await directory.verifyPassword(account, 'x')).toBe(false);
    const prepared = await directory.preparePasswordWrite(account, 'new');
    await expect(prepared.commit({} as StoreTx)).rejects.toBeInstanceOf(UnlatchError);
    const listed: DirectoryAccount[] = [];
    for await (const person of directory.listPeople!('t')) listed.push(person);

    expect(listed).toHaveLength(2);
    expect(await countOf(registry, { directory: 'ldap-1', operation: 'findByIdentifier', outcome: 'ok' })).toBe(1);
    expect(await countOf(registry, { directory: 'ldap-1', operation: 'verifyPassword', outcome: 'ok' })).toBe(1);
    expect(await countOf(registry, { directory: 'ldap-1', operation: 'preparePasswordWrite', outcome: 'ok' })).toBe(1);
    expect(await countOf(registry, { directory: 'ldap-1', operation: 'commitPasswordWrite', outcome: 'error' })).toBe(1);
    expect(await countOf(registry, { directory: 'ldap-1', operation: 'commitPasswordWrite', outcome: 'ok' })).toBe(0);
    expect(await countOf(registry, { directory: 'ldap-1', operation: 'listPeople', outcome: 'ok' })).toBe(1);
  });

  it('keeps optional methods absent when the directory lacks them', () => {
    const directory = new DirectoryMetrics(new Registry()).wrap('builtin', fakeDirectory());
    expect(directory.searchPeople).toBeUndefined();
    expect(directory.accountDetails).toBeUndefined();
    expect(directory.listPeople).toBeDefined();
  });
});
