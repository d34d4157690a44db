import { buildDirectoryRouter } from '../../adapters/directory/build-directories.js';
import { Argon2Hasher } from '../../adapters/directory/password-hasher.js';
import { SqlMethodRepository } from '../../adapters/store/method-repository.js';
import { ConfigTenants } from '../../adapters/tenants/config-tenants.js';
import { resolveMasterKeys } from '../../config/key-material.js';
import { policyFor } from '../../config/policy-schema.js';
import type { UnlatchConfig } from '../../config/schema.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { Sealer } from '../../core/crypto/sealer.js';
import { isUnlatchError } from '../../core/errors.js';
import { PolicySimulator, type PersonSimulation } from '../../core/policy/policy-simulator.js';
import type { PolicySimulation } from '../../core/policy/policy-simulation.js';
import { systemClock } from '../../core/ports/clock.js';
import { stringOption, tenantOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { CliFailure, oneLine, UsageError } from '../errors.js';
import { groupsOption, renderSimulation, SOURCE_OF_TRUTH } from '../policy-output.js';

export const policySimulateCommand: Command = {
  name: 'policy simulate',
  summary: 'Say what would happen if a person (looked up for real) or a member of some groups started a reset now.',
  synopsis: '[--tenant T] (--user U | --groups a,b) [--unlock] [--json]',
  description: [
    'Allowed or decoy and why, how many proofs, which methods the first step would accept and what a second step',
    'would offer: the reset flow\'s own decisions. --user looks the person up in the tenant\'s directories as a',
    'reset does and reads their registered methods (never their secrets); --groups assumes an enabled member with',
    'a mailbox and every allowed method. Nothing is written and no reset starts.',
    `Exit code 0 whatever the outcome. ${SOURCE_OF_TRUTH}`,
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant (default: the default tenant)' },
    user: { type: 'string', value: 'U', description: 'a username or email address, looked up as a reset would' },
    groups: { type: 'string', value: 'a,b', description: 'comma-separated group names instead of a person ("" for none)' },
    unlock: { type: 'boolean', description: 'simulate an unlock ("my account is locked") instead of a reset' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    const user = stringOption(values, 'user');
    const groupsGiven = stringOption(values, 'groups');
    if ((user === undefined) === (groupsGiven === undefined)) throw new UsageError('give either --user or --groups');
    if (user !== undefined && user.trim() === '') throw new UsageError('--user must name an account');
    const purpose = values.unlock === true ? 'unlock' : 'reset';
    let result: PolicySimulation | PersonSimulation;
    let subject: string;
    if (user !== undefined) {
      result = await withDatabase(cfg, { migrate: false }, (handle) => asCliErrors(async () => (await simulatorOf(cfg, handle.db)).simulate({ tenantId, identifier: user, purpose })));
      subject = `user ${JSON.stringify(user.trim())}`;
    } else {
      const groups = groupsOption(groupsGiven!);
      result = await asCliErrors(async () => (await simulatorOf(cfg, null)).simulateGroups({ tenantId, groups, purpose }));
      subject = `a member of ${groups.length === 0 ? 'no groups' : `the groups ${groups.join(', ')}`}`;
    }
    io.stdout.write(values.json === true ? `${JSON.stringify({ tenantId, purpose, ...result }, null, 2)}\n` : renderSimulation(tenantId, `${purpose === 'unlock' ? 'unlock' : 'reset'} by ${subject}`, result));
    return 0;
  },
};

/** The simulator as the server wires the reset flow: the same directories, methods, tenants and policy. */
async function simulatorOf(cfg: UnlatchConfig, db: Parameters<typeof buildDirectoryRouter>[1]['db'] | null): Promise<PolicySimulator> {
  const tenants = new ConfigTenants(cfg.tenants, cfg.defaultTenant!);
  const forTenant = (tenantId: string) => policyFor(cfg.policy, tenantId);
  // The server always checks security questions; SMS only with providers configured.
  const channels = { sms: cfg.sms.providers.length > 0, questions: true };
  if (db === null) {
    const none = async () => { throw new Error('not looked up'); };
    return new PolicySimulator({ directory: { findByIdentifier: none }, methods: { listForSubject: none }, tenants, policyFor: forTenant, channels });
  }
  const directory = await buildDirectoryRouter(cfg, { db, hasher: new Argon2Hasher(), clock: systemClock });
  const methods = new SqlMethodRepository(db, new Sealer(new KeyRing(resolveMasterKeys(cfg)), 'totp-seal'));
  return new PolicySimulator({ directory, methods, tenants, policyFor: forTenant, channels });
}

/** Core's typed errors as the CLI's: bad input is a usage error, a directory or database that fails is a failure. */
async function asCliErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUnlatchError(error) && error.code === 'invalid_request') throw new UsageError(`not a valid ${String(error.details.field ?? 'value')}`);
    if (isUnlatchError(error) && error.code === 'directory_unavailable') throw new CliFailure('a directory of the tenant cannot be reached (see: unlatch directory check)');
    if (error instanceof Error && /no such table|does not exist/i.test(error.message)) throw new CliFailure('this database has no tables yet (run: unlatch migrate)');
    if (isUnlatchError(error)) throw new CliFailure(oneLine(error));
    throw error;
  }
}
