import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { isUnlatchError } from '../../core/errors.js';
import { identifiersFromCsv, type IncidentSource } from '../../core/incident/incident-people.js';
import { parseExpiry, progressLine } from '../../core/incident/incident-progress.js';
import { modeOf, type IncidentService } from '../../core/incident/incident-service.js';
import type { IncidentActor } from '../../core/incident/incident-person.js';
import { stringOption, tenantOption, type Command } from '../command.js';
import { parseCsv } from '../csv.js';
import { CliFailure, oneLine, UsageError } from '../errors.js';
import { withQueueingApp } from '../queueing-app.js';
import type { CliIo } from '../io.js';
import { cliActor, progressPrinter, rowLine } from './incident-common.js';

/** Largest people file read (a million identifiers fit well within it). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export const incidentResetCommand: Command = {
  name: 'incident reset',
  summary: 'Force a new password on a group or a list of people after an incident: resumable, audited as one incident.',
  synopsis: '--tenant T (--group G | --file people.csv) --mode lock|strict [--expires 7d] [--reason text] [--dry-run] [--resume ID]',
  description: [
    'For each person: self-service paused (--mode lock) or a reset needing two proofs, one strong (--mode strict),',
    'until --expires (1h to 90d, default 7d); the password marked "must change" where the directory supports it',
    '(OpenLDAP ppolicy pwdReset, AD pwdLastSet 0, the built-in store); live resets and sessions ended, the',
    'post-reset hooks called; a notice mailed to every registered mailbox. Each person is processed exactly once:',
    'a run stopped half way (Ctrl-C, a crash, the directory down) continues with --resume ID or the same command',
    'again. --dry-run lists who would be affected and who is skipped and why, and changes nothing.',
    'Progress goes to stderr; the summary to stdout. Exit code 0 when everyone is settled without failures, 1 when',
    'some failed (see: unlatch incident report ID) or the run stopped, 2 for usage. See docs/incident-response.md.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant (default: the default tenant)' },
    group: { type: 'string', value: 'G', description: 'everyone in this directory group' },
    file: { type: 'string', value: 'people.csv', description: 'a CSV: one identifier per row (header identifier, username or email)' },
    mode: { type: 'string', value: 'lock|strict', description: 'lock: pause self-service; strict: require two proofs, one strong' },
    expires: { type: 'string', value: 'duration', description: 'when the pause or stricter policy ends: 7d, 48h, 90m (default 7d)' },
    reason: { type: 'string', value: 'text', description: 'why (kept with the incident and in the audit trail)' },
    'dry-run': { type: 'boolean', description: 'list who would be affected; change nothing' },
    resume: { type: 'string', value: 'ID', description: 'continue this incident where it stopped' },
    again: { type: 'boolean', description: 'start a new incident even if the same one already finished' },
    operator: { type: 'string', value: 'name', description: 'the operator named in the audit trail (default: the OS user)' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    const by = cliActor(values, io.env);
    const resume = stringOption(values, 'resume')?.trim();
    const start = resume ? null : await startInput(io, values);
    // Not the in-process worker: this run queues notices and hooks, the worker delivers them.
    return withQueueingApp(cfg, async (app) => {
      const service = app.incidents;
      let id = resume;
      if (start) {
        const outcome = await asCli(() => service.start({ tenantId, ...start, by }));
        id = outcome.incident.id;
        if (start.dryRun) return await printDryRun(io, service, outcome.incident.id, outcome.counts);
        if (outcome.kind === 'finished') {
          io.stdout.write(`already done as incident ${id} (${outcome.incident.state}); nothing changed. Use --again to start another.\n`);
          return 0;
        }
        io.stderr.write(`${outcome.kind === 'running' ? 'resuming' : 'started'} incident ${id}: ${outcome.counts.total} people, ${outcome.counts.pending} to do\n`);
      }
      return await runIncident(io, service, tenantId, id!, by);
    });
  },
};

async function startInput(io: CliIo, values: Record<string, string | boolean | undefined>): Promise<{ source: IncidentSource; mode: 'lock' | 'strict'; expiresInSeconds: number; reason: string; dryRun: boolean; again: boolean }> {
  const group = stringOption(values, 'group');
  const file = stringOption(values, 'file');
  if ((group === undefined) === (file === undefined)) throw new UsageError('give exactly one of --group and --file');
  const mode = modeOf(stringOption(values, 'mode'));
  if (!mode) throw new UsageError('--mode must be lock or strict');
  const expiresInSeconds = parseExpiry(stringOption(values, 'expires') ?? '7d');
  if (expiresInSeconds === null) throw new UsageError('--expires must be a duration such as 7d, 48h or 90m');
  const source: IncidentSource = group !== undefined ? { kind: 'group', group: group.trim() } : await fileSource(resolve(io.cwd, file!));
  return { source, mode, expiresInSeconds, reason: stringOption(values, 'reason') ?? '', dryRun: values['dry-run'] === true, again: values.again === true };
}

async function fileSource(path: string): Promise<IncidentSource> {
  let text: string;
  try {
    if ((await stat(path)).size > MAX_FILE_BYTES) throw new CliFailure(`${path}: larger than 64 MiB`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    const code = (error as { code?: string }).code;
    throw new CliFailure(code === 'ENOENT' ? `${path}: no such file` : error instanceof TypeError ? `${path}: not valid UTF-8` : `${path}: cannot read (${oneLine(error)})`);
  }
  const identifiers = asCliSync(() => identifiersFromCsv(parseCsv(text)));
  if (identifiers.length === 0) throw new CliFailure(`${path}: no identifiers`);
  return { kind: 'list', name: basename(path), identifiers };
}

async function printDryRun(io: CliIo, service: IncidentService, id: string, counts: { total: number; pending: number; skipped: number }): Promise<number> {
  io.stdout.write(`dry run ${id}, nothing changed: ${counts.pending} would be reset, ${counts.skipped} skipped\n`);
  for await (const row of service.rows(id)) io.stdout.write(`${rowLine(row, row.state === 'pending' ? 'would' : row.state)}\n`);
  return 0;
}

async function runIncident(io: CliIo, service: IncidentService, tenantId: string, id: string, by: IncidentActor): Promise<number> {
  let stop = false;
  const unsubscribe = io.onShutdown(() => {
    stop = true;
    io.stderr.write(`stopping after the current person; continue with: unlatch incident reset --tenant ${tenantId} --resume ${id}\n`);
  });
  const printer = progressPrinter(io, id);
  try {
    const last = await asCli(() => service.run(tenantId, id, by, printer.print, () => stop));
    printer.flush();
    const { counts } = last;
    io.stdout.write(`incident ${id}: ${last.incident.state}; ${counts.done} done, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.pending} left (${progressLine(last)})\n`);
    if (counts.pending > 0) io.stdout.write(`continue with: unlatch incident reset --tenant ${tenantId} --resume ${id}\n`);
    return counts.failed > 0 || counts.pending > 0 ? 1 : 0;
  } finally {
    unsubscribe();
  }
}

/** Core's typed errors as one clear CLI line. */
async function asCli<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw cliError(error);
  }
}

function asCliSync<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw cliError(error);
  }
}

function cliError(error: unknown): unknown {
  if (!isUnlatchError(error)) return error;
  if (error.code === 'not_found') return new CliFailure('no such incident in this tenant');
  if (error.code === 'directory_unavailable') return new CliFailure('a directory of the tenant cannot be reached (see: unlatch directory check); the people not yet processed stay pending: run the same command again, or --resume');
  if (error.code === 'invalid_request') return new UsageError(error.message !== error.code ? error.message : `invalid ${String(error.details.field ?? 'input')}`);
  return error;
}
