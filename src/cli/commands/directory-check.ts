import { directoriesOf, type DirectoryConfig } from '../../config/directories-schema.js';
import { ConfigError } from '../../config/load-config.js';
import type { UnlatchConfig } from '../../config/schema.js';
import type { CheckItem } from '../../adapters/directory/directory-check.js';
import { stringOption, tenantOption, type Command } from '../command.js';
import { UsageError } from '../errors.js';
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
    'Marks: ✓ can, ✗ cannot, ? could not tell, – not checked. Exit code 0 when nothing is ✗, 1 when something is.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant whose directories to check (default: the default tenant)' },
    user: { type: 'string', value: 'NAME', description: 'a test account (username or email) to look up and check rights on' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    const given = stringOption(values, 'user');
    if (given !== undefined && given.trim() === '') throw new UsageError('--user must name an account');
    const user = given?.trim();
    const tenant = cfg.tenants.find((t) => t.id === tenantId)!;
    const list = directoriesOf(tenant);
    io.stdout.write(`tenant ${printable(tenantId)}: ${list.length} ${list.length === 1 ? 'directory' : 'directories'}, asked in this order\n`);
    let fine = true;
    for (const entry of list) {
      const items = await checkEntry(cfg, tenantId, entry, user);
      if (items.some((item) => item.status === 'missing')) fine = false;
      io.stdout.write(`\n${heading(entry)}\n${items.map(line).join('\n')}\n`);
    }
    io.stdout.write(fine ? '\nall checks passed\n' : '\nsomething is missing: see ✗ above\n');
    return fine ? 0 : 1;
  },
};

/** The checks of one directory; adapter code is loaded only when this command runs. */
async function checkEntry(cfg: UnlatchConfig, tenantId: string, entry: DirectoryConfig, user: string | undefined): Promise<CheckItem[]> {
  switch (entry.type) {
    case 'builtin': {
      const { checkBuiltinDirectory } = await import('../builtin-check.js');
      return checkBuiltinDirectory(cfg, tenantId, user);
    }
    case 'ldap': {
      const [{ checkLdapDirectory }, { resolveLdapOptions, LdapOptionsError }, { ldapOptionsOf }] = await Promise.all([
        import('../../adapters/directory/ldap-check.js'),
        import('../../adapters/directory/ldap-options.js'),
        import('../../adapters/directory/directory-options.js'),
      ]);
      const options = asConfigError(entry, LdapOptionsError, () => resolveLdapOptions(ldapOptionsOf(entry, tenantId)));
      return checkLdapDirectory(options, user);
    }
    case 'active_directory': {
      const [{ checkActiveDirectory }, { resolveAdOptions, ActiveDirectoryOptionsError }, { adOptionsOf }] = await Promise.all([
        import('../../adapters/directory/ad-check.js'),
        import('../../adapters/directory/ad-options.js'),
        import('../../adapters/directory/directory-options.js'),
      ]);
      const options = asConfigError(entry, ActiveDirectoryOptionsError, () => resolveAdOptions(adOptionsOf(entry, tenantId)));
      return checkActiveDirectory(options, user);
    }
  }
}

/** An adapter's refusal of its options is a configuration error (exit code 2), named after the directory. */
function asConfigError<T>(entry: DirectoryConfig, kind: new (...args: never[]) => Error, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof kind) throw new ConfigError(`config: directory ${entry.name}: ${error.message}`);
    throw error;
  }
}

function heading(entry: DirectoryConfig): string {
  const kind = entry.type === 'builtin' ? "built-in, Unlatch's own database" : entry.type === 'ldap' ? `ldap, ${entry.url}` : `active_directory, ${entry.url}`;
  const copies = entry.alsoWriteTo.length > 0 ? `; copies new passwords to ${entry.alsoWriteTo.join(', ')}` : '';
  return printable(`${entry.name} (${kind})${copies}`);
}

function line(item: CheckItem): string {
  return printable(`  ${MARK[item.status]} ${item.label}${item.detail ? `: ${item.detail}` : ''}`);
}
