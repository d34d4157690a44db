import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pushMetrics, renderMetrics, writeTextfile } from '../../adapters/synthetic/prometheus-output.js';
import { ResetApiClient } from '../../adapters/synthetic/reset-api-client.js';
import { parseTotpSeed, runSyntheticCheck } from '../../adapters/synthetic/synthetic-check.js';
import { formatSteps } from '../../adapters/synthetic/synthetic-steps.js';
import { unlatchVersion } from '../../version.js';
import { requiredString, stringOption, type Command, type OptionValues } from '../command.js';
import { oneLine, UsageError } from '../errors.js';
import { printable } from '../output.js';

export const syntheticCommand: Command = {
  name: 'synthetic',
  summary: 'Run one whole reset of a canary account against a running instance, as a person would, and report each step.',
  synopsis: '--url URL --tenant T --account NAME (--totp-seed-file F | --imap-url U --imap-password-file F) [--textfile P] [--push-gateway URL]',
  description: [
    'Starts a reset through the JSON API, proves it with the canary\'s authenticator app (the seed from --totp-seed-file)',
    'and/or the code emailed to its mailbox (read over IMAP: delivery end to end), sets a random new password and signs in',
    'with it. The account must be listed in the instance\'s tenants[].canaryAccounts, which keeps its resets out of the',
    'user-facing metrics. Prints one line: "synthetic ok …" or "synthetic FAILED at step S: why". With --textfile or',
    '--push-gateway the step latencies go to Prometheus. Exit code 0 passed, 1 failed, 2 bad arguments. See docs/synthetic-check.md.',
  ].join('\n'),
  options: {
    url: { type: 'string', value: 'URL', description: 'the instance\'s public base URL, e.g. https://reset.example.org' },
    tenant: { type: 'string', value: 'T', description: 'the canary\'s tenant' },
    account: { type: 'string', value: 'NAME', description: 'the canary\'s username' },
    'totp-seed-file': { type: 'string', value: 'path', description: 'file with the canary\'s authenticator seed (base32 or an otpauth:// URI)' },
    'imap-url': { type: 'string', value: 'URL', description: 'the canary\'s mailbox, imaps://user@host:993/INBOX (imap:// only to a loopback address)' },
    'imap-password-file': { type: 'string', value: 'path', description: 'file with the mailbox password (first line)' },
    'imap-timeout': { type: 'string', value: 'seconds', description: 'how long to wait for the code mail (default 60)' },
    timeout: { type: 'string', value: 'seconds', description: 'per HTTP request (default 10)' },
    textfile: { type: 'string', value: 'path', description: 'write the metrics for node_exporter\'s text-file collector (atomically), e.g. /var/lib/node_exporter/unlatch_synthetic.prom' },
    'push-gateway': { type: 'string', value: 'URL', description: 'push the metrics to this Pushgateway (job unlatch_synthetic, instance = the tenant)' },
  },
  async run({ io, values }) {
    const baseUrl = requiredUrl(values, 'url', ['http:', 'https:']);
    const tenant = requiredString(values, 'tenant');
    const account = requiredString(values, 'account');
    const timeoutMs = seconds(values, 'timeout', 10) * 1000;
    const pushGateway = stringOption(values, 'push-gateway') === undefined ? undefined : requiredUrl(values, 'push-gateway', ['http:', 'https:']);
    const textfile = stringOption(values, 'textfile');
    if (textfile !== undefined && textfile.trim() === '') throw new UsageError('--textfile must name a file');

    const seedFile = stringOption(values, 'totp-seed-file');
    let authenticator = null;
    if (seedFile !== undefined) {
      const parsed = parseTotpSeed(await readSecretFile(io.cwd, seedFile, '--totp-seed-file'));
      if (typeof parsed === 'string') throw new UsageError(parsed);
      authenticator = parsed;
    }
    const imapUrl = stringOption(values, 'imap-url');
    const imapPasswordFile = stringOption(values, 'imap-password-file');
    if ((imapUrl === undefined) !== (imapPasswordFile === undefined)) throw new UsageError('--imap-url and --imap-password-file go together');
    let mailbox = null;
    if (imapUrl !== undefined) {
      const password = (await readSecretFile(io.cwd, imapPasswordFile!, '--imap-password-file')).split(/\r?\n/)[0] ?? '';
      // Loaded here, not at the top: every command module is imported by `unlatch serve` too, and the IMAP client is big.
      const { ImapCodeReader, parseImapUrl } = await import('../../adapters/synthetic/imap-code-reader.js');
      const parsed = parseImapUrl(imapUrl, password);
      if (typeof parsed === 'string') throw new UsageError(parsed);
      mailbox = new ImapCodeReader(parsed, { timeoutMs: seconds(values, 'imap-timeout', 60) * 1000 });
    }
    if (!authenticator && !mailbox) throw new UsageError('give the check a way to prove: --totp-seed-file, or --imap-url with --imap-password-file');

    const api = new ResetApiClient({ baseUrl, timeoutMs, userAgent: `unlatch-synthetic/${unlatchVersion()}` });
    const result = await runSyntheticCheck({ api, tenant, account, authenticator, mailbox });
    const steps = formatSteps(result.steps);
    const where = `tenant=${printable(tenant)}${steps ? ` steps=${steps}` : ''}`;
    io.stdout.write(result.ok ? `synthetic ok ${where}\n` : `synthetic FAILED at step ${result.failure!.step}: ${printable(result.failure!.reason)} ${where}\n`);

    // The check's own result decides the exit code; failing to report it is a failure too (monitoring would go stale).
    let reported = true;
    const metrics = renderMetrics(result, tenant);
    if (textfile !== undefined) {
      await writeTextfile(resolve(io.cwd, textfile), metrics).catch((error: unknown) => {
        reported = false;
        io.stderr.write(`unlatch synthetic: could not write ${printable(textfile)}: ${printable(oneLine(error))}\n`);
      });
    }
    if (pushGateway !== undefined) {
      await pushMetrics(pushGateway, tenant, metrics, timeoutMs).catch((error: unknown) => {
        reported = false;
        io.stderr.write(`unlatch synthetic: could not push to the Pushgateway: ${printable(oneLine(error))}\n`);
      });
    }
    return result.ok && reported ? 0 : 1;
  },
};

function requiredUrl(values: OptionValues, name: string, protocols: readonly string[]): string {
  const raw = requiredString(values, name);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${name} is not a URL`);
  }
  if (!protocols.includes(url.protocol)) throw new UsageError(`--${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  if (url.username !== '' || url.password !== '') throw new UsageError(`--${name} must not hold credentials`);
  return url.toString().replace(/\/+$/, '');
}

function seconds(values: OptionValues, name: string, fallback: number): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 3600) throw new UsageError(`--${name} must be a number of seconds between 0 and 3600`);
  return value;
}

/** A secret's file; a problem is a usage error naming the option, never the content. */
async function readSecretFile(cwd: string, path: string, option: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${option}: ${(error as { code?: string }).code ?? 'error'}`);
  }
}
