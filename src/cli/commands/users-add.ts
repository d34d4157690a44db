import { SqlAuditAppender } from '../../adapters/store/audit-appender.js';
import { SqlUserRepository } from '../../adapters/store/user-repository.js';
import type { UnlatchConfig } from '../../config/schema.js';
import { PasswordPolicy, describeRejection } from '../../core/password/password-policy.js';
import { systemClock } from '../../core/ports/clock.js';
import { requiredString, stringOption, tenantOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { CliFailure, UsageError, isUniqueViolation } from '../errors.js';
import { readFirstLine } from '../io.js';
import { checkDisplayName, checkEmail, checkPhone, checkUsername, parseGroups, type UserDraft } from '../user-rows.js';

export const usersAddCommand: Command = {
  name: 'users add',
  summary: 'Add one user to the built-in user store.',
  synopsis: '--username U [--tenant T] [--email E] [--phone P] [--display-name N] [--groups a,b] [--password-stdin] [--disabled]',
  description: [
    'A password is never taken as an argument. With --password-stdin the first line of standard input is the',
    "password, checked against the password rules and stored as argon2id, e.g.:  read -rs PW; printf '%s\\n' \"$PW\" | unlatch users add …",
    'Without it the user has no password until they reset it.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'tenant id (default: the default tenant)' },
    username: { type: 'string', value: 'U', description: 'the username (unique within the tenant)' },
    email: { type: 'string', value: 'E', description: 'registered email address (reset codes go here)' },
    phone: { type: 'string', value: 'P', description: 'phone number' },
    'display-name': { type: 'string', value: 'N', description: 'name shown in mail and pages' },
    groups: { type: 'string', value: 'a,b', description: 'comma-separated group names' },
    'password-stdin': { type: 'boolean', description: 'read the password from the first line of standard input' },
    disabled: { type: 'boolean', description: 'create the account disabled' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const draft = draftOf(cfg, values);

    let passwordHash: string | null = null;
    if (values['password-stdin'] === true) {
      if (io.stdin.isTTY) throw new UsageError('--password-stdin reads a password piped to standard input, not one typed at a terminal');
      const password = await readFirstLine(io.stdin);
      if (password === '') throw new UsageError('--password-stdin: standard input is empty');
      // Loaded only when needed: the dictionaries and the native hasher are the slow part of starting.
      const [{ Argon2Hasher }, { defaultBlocklistPath, loadBlocklistFile }, { ZxcvbnEstimator }] = await Promise.all([
        import('../../adapters/directory/password-hasher.js'),
        import('../../adapters/password/file-blocklist.js'),
        import('../../adapters/password/zxcvbn-estimator.js'),
      ]);
      // The offline breach list too, when configured (docs/breached-passwords.md).
      const breached = cfg.password.breachedFilter ? (await import('../../adapters/password/breached/breached-config.js')).openBreachedOnce(cfg.password.breachedFilter, io.cwd) : null;
      const policy = new PasswordPolicy({
        ...(breached ? { breached } : {}),
        rules: cfg.password,
        blocklist: loadBlocklistFile(cfg.password.blocklistFile ?? defaultBlocklistPath()),
        strength: new ZxcvbnEstimator(),
      });
      const verdict = policy.check(password, {
        username: draft.username,
        email: draft.email ?? undefined,
        displayName: draft.displayName ?? undefined,
        tenantId: draft.tenantId,
        tenantName: cfg.tenants.find((t) => t.id === draft.tenantId)?.name,
      });
      breached?.close();
      // Every reason at once, so the person can fix them all in one go.
      if (!verdict.ok) throw new CliFailure(`password rejected: ${verdict.reasons.map(describeRejection).join(' ')}`);
      passwordHash = await new Argon2Hasher().hash(password);
    }

    const id = await withDatabase(cfg, { migrate: true }, async (handle) => {
      const exists = () => new CliFailure(`user ${JSON.stringify(draft.username)} already exists in tenant ${draft.tenantId}`);
      if (await new SqlUserRepository(handle.db).exists(draft.tenantId, draft.username)) throw exists();
      try {
        return await handle.db.transaction().execute(async (trx) => {
          const now = systemClock.now();
          const userId = await new SqlUserRepository(trx).insert({ ...draft, passwordHash }, now);
          await new SqlAuditAppender(trx, handle.dialect, systemClock).append({
            event: 'user.created',
            outcome: 'success',
            tenantId: draft.tenantId,
            subjectId: userId,
            actor: 'cli',
            details: { username: draft.username, enabled: draft.enabled, passwordSet: passwordHash !== null, source: 'users add' },
          });
          return userId;
        });
      } catch (error) {
        // Someone added the same username between the check and the insert.
        if (isUniqueViolation(error)) throw exists();
        throw error;
      }
    });
    io.stdout.write(`added user ${JSON.stringify(draft.username)} to tenant ${draft.tenantId} (id ${id}${draft.enabled ? '' : ', disabled'}${passwordHash ? '' : ', no password yet'})\n`);
    return 0;
  },
};

function draftOf(config: UnlatchConfig, values: Record<string, string | boolean | undefined>): UserDraft {
  const tenantId = tenantOption(config, values);
  const username = requiredString(values, 'username');
  const optional = (name: string): string | null => {
    const value = stringOption(values, name)?.trim();
    return value === undefined || value === '' ? null : value;
  };
  const email = optional('email');
  const phone = optional('phone');
  const displayName = optional('display-name');
  const { groups, problem: groupProblem } = parseGroups(stringOption(values, 'groups') ?? '', ',');
  const problem =
    checkUsername(username) ?? (email && checkEmail(email)) ?? (phone && checkPhone(phone)) ?? (displayName && checkDisplayName(displayName)) ?? groupProblem;
  if (problem) throw new UsageError(problem);
  return { tenantId, username, email, phone, displayName, groups, enabled: values.disabled !== true, passwordHash: null };
}
