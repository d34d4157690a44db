import { auditExportOf } from '../../adapters/audit/build-audit-sinks.js';
import { exportWithHooks } from '../../adapters/hooks/hook-export.js';
import { retryDeadHooks } from '../../adapters/store/hook-retry.js';
import { configuredAuditSinks } from '../../config/audit-sinks-schema.js';
import { hookRoutesOf } from '../../config/hooks-schema.js';
import { resolveMasterKeys } from '../../config/key-material.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { Sealer } from '../../core/crypto/sealer.js';
import { systemClock } from '../../core/ports/clock.js';
import { stringOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { UsageError } from '../errors.js';
import { printable } from '../output.js';

export const hooksRetryCommand: Command = {
  name: 'hooks retry',
  summary: 'Queue the post-reset hook deliveries that were given up (dead) again, after the target is fixed.',
  synopsis: '[--hook NAME] [--tenant T]',
  description: [
    'A hook delivery that failed every retry is given up, audited as hook.failed and shown on the console\'s',
    'System page. Once the target is back or its credential is fixed, this queues those deliveries again',
    '(rebuilt from their audit entries) for the outbox worker, with a fresh round of attempts, and audits the',
    'retry. Exits 0, or 1 when some could not be rebuilt (their audit entry is gone, or the hook no longer',
    'hears that event).',
  ].join('\n'),
  options: {
    hook: { type: 'string', value: 'NAME', description: 'only this hook (default: every configured hook)' },
    tenant: { type: 'string', value: 'T', description: 'only this tenant\'s deliveries (default: every tenant)' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const name = stringOption(values, 'hook');
    const tenant = stringOption(values, 'tenant');
    const routes = hookRoutesOf(cfg.hooks).filter((route) => name === undefined || route.name === name);
    if (routes.length === 0) throw new UsageError(name === undefined ? 'no hooks are configured (key hooks)' : `no hook named ${printable(name)} is configured`);
    const sealer = new Sealer(new KeyRing(resolveMasterKeys(cfg)), 'outbox-seal');
    const auditExport = exportWithHooks(auditExportOf(configuredAuditSinks(cfg.audit), sealer), hookRoutesOf(cfg.hooks), sealer);
    const results = await withDatabase(cfg, { migrate: false }, (handle) =>
      retryDeadHooks({ db: handle.db, dialect: handle.dialect, sealer, clock: systemClock, auditExport, auditChains: { chains: cfg.audit.chains } }, routes, 'cli', tenant));
    for (const r of results) io.stdout.write(`${printable(r.hook)}: ${r.requeued} queued again${r.skipped > 0 ? `, ${r.skipped} could not be rebuilt` : ''}\n`);
    return results.some((r) => r.skipped > 0) ? 1 : 0;
  },
};
