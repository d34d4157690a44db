import { directoriesOf } from '../../config/directories-schema.js';
import { policyFor } from '../../config/policy-schema.js';
import { checkDirectoryEntry, describeDirectoryEntry } from '../../adapters/directory/check-entry.js';
import type { CheckItem } from '../../adapters/directory/check-item.js';
import { stringOption, tenantOption, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { checkBuiltinDirectory } from '../builtin-check.js';
import { printable } from '../output.js';

const MARK: Record<CheckItem['status'], string> = { ok: '✓', missing: '✗', unknown: '?', skipped: '–' };

export const directoryCheckCommand: Command = {
  name: 'directory check',
  summary: "Check what Unlatch's service accounts may do in each directory of a tenant; changes nothing.",
  synopsis: '[--tenant T] [--user NAME]',
  description: [
    'For each directory of the tenant, in order: binds as the configured service account, searches under baseDn,',
    'and with --user looks that person up and checks the attributes Unlatch reads (email, phone, display name,',
    'groups, lock state) and the rights it needs to reset a password and to unlock. Nothing is written: OpenLDAP',
    'write rights are probed with a modify the server must refuse, AD rights are read from allowedAttributesEffective.',
    "With groups read from OpenLDAP's memberOf, each excluded group (policy) with members must show in their memberOf.",
    "Only this tenant's directory secrets are read: another tenant's unset variable does not stop the check.",
    'Marks: ✓ can, ✗ cannot, ? could not tell, – not checked. Exit code 0 when nothing is ✗, 1 when something is.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant whose directories to check (default: the default tenant)' },
    user: { type: 'string', value: 'NAME', description: 'a test account (username or email) to look up and check rights on' },
  },
  async run({ io, config, values }) {
    // Only the checked tenant's directory secrets are read: another tenant's unset variable is not this check's business.
    const cfg = config({ directoriesOfTenant: { id: stringOption(values, 'tenant')?.trim() } });
    const tenantId = tenantOption(cfg, values);
    const given = stringOption(values, 'user');
    if (given !== undefined && given.trim() === '') throw new UsageError('--user must name an account');
    const user = given?.trim();
    const tenant = cfg.tenants.find((t) => t.id === tenantId)!;
    const list = directoriesOf(tenant);
    io.stdout.write(`tenant ${printable(tenantId)}: ${list.length} ${list.length === 1 ? 'directory' : 'directories'}, asked in this order\n`);
    let fine = true;
    const { excludedGroups } = policyFor(cfg.policy, tenantId);
    for (const entry of list) {
      const items = await checkDirectoryEntry(entry, tenantId, user, { builtin: (id, who) => checkBuiltinDirectory(cfg, id, who), excludedGroups });
      if (items.some((item) => item.status === 'missing')) fine = false;
      io.stdout.write(`\n${printable(describeDirectoryEntry(entry))}\n${items.map(line).join('\n')}\n`);
    }
    io.stdout.write(fine ? '\nall checks passed\n' : '\nsomething is missing: see ✗ above\n');
    return fine ? 0 : 1;
  },
};

function line(item: CheckItem): string {
  return printable(`  ${MARK[item.status]} ${item.label}${item.detail ? `: ${item.detail}` : ''}`);
}
