import { userInfo } from 'node:os';
import { newId } from '../../core/crypto/secrets.js';
import type { IncidentActor } from '../../core/incident/incident-person.js';
import { progressLine, type IncidentProgress } from '../../core/incident/incident-progress.js';
import type { IncidentPersonRecord } from '../../core/incident/incident-store.js';
import { stringOption, type OptionValues } from '../command.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { unlatchVersion } from '../../version.js';

/** The operator the CLI audits as: `--operator`, else the OS user (`cli:<name>`). */
export function cliActor(values: OptionValues, env: NodeJS.ProcessEnv): IncidentActor {
  const given = stringOption(values, 'operator')?.trim();
  if (given !== undefined && (given === '' || given.length > 100 || /[\u0000-\u001f\u007f\s]/.test(given))) throw new UsageError('--operator must be a name without spaces (at most 100 characters)');
  let name = given;
  if (name === undefined) {
    try {
      name = userInfo().username;
    } catch {
      name = env.USER ?? env.LOGNAME ?? 'unknown';
    }
  }
  return { actor: `cli:${name}`, client: { ip: '127.0.0.1', userAgent: `unlatch-cli/${unlatchVersion()}`, correlationId: newId() } };
}

/** Writes progress to stderr at most once a second (and always the last one). */
export function progressPrinter(io: CliIo, id: string): { print: (p: IncidentProgress) => void; flush: () => void } {
  let last = 0;
  let pending: IncidentProgress | null = null;
  const write = (p: IncidentProgress) => io.stderr.write(`incident ${id}: ${progressLine(p)}\n`);
  return {
    print(p) {
      const now = Date.now();
      if (now - last >= 1000) {
        last = now;
        pending = null;
        write(p);
      } else {
        pending = p;
      }
    },
    flush() {
      if (pending) write(pending);
      pending = null;
    },
  };
}

/** A person's row as one line of a terminal listing. */
export function rowLine(row: IncidentPersonRecord, state: string = row.state): string {
  const why = [row.reason, row.notes].filter((v) => v).join(', ');
  return `  ${String(row.seq).padStart(6)}  ${state.padEnd(8)} ${row.identifier}${why ? ` (${why})` : ''}`;
}
