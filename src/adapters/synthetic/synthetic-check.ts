import { randomBytes } from 'node:crypto';
import { totpAt, type TotpOptions } from '../../core/methods/totp/totp.js';
import type { ImapCodeReader } from './imap-code-reader.js';
import type { ResetApiClient } from './reset-api-client.js';
import { StepFailure, StepTimer, type SyntheticResult } from './synthetic-steps.js';

/** The canary's authenticator app: its seed (base32) and code parameters. */
export interface CanaryAuthenticator {
  secret: string;
  options: TotpOptions;
}

export interface SyntheticCheckDeps {
  api: ResetApiClient;
  tenant: string;
  /** The canary's username (listed in the instance's `tenants[].canaryAccounts`). */
  account: string;
  /** Proves the first step like the canary's app would; null to prove with the emailed code only. */
  authenticator: CanaryAuthenticator | null;
  /** Reads the emailed code from the canary's mailbox (delivery end to end); null to skip it. */
  mailbox: ImapCodeReader | null;
  /** Wall-clock milliseconds, for the TOTP code and the run's timestamp. */
  now?: () => number;
}

/**
 * One synthetic reset, as the canary person would do it: start, prove (authenticator app, and/or the code
 * from the mailbox), choose a new random password, sign in with it. Never throws: the result says which step
 * failed and why.
 */
export async function runSyntheticCheck(deps: SyntheticCheckDeps): Promise<SyntheticResult> {
  const now = deps.now ?? (() => Date.now());
  const startedAt = new Date(now());
  const timer = new StepTimer();
  const { api, tenant, account } = deps;
  try {
    // The mailbox first: what arrives after this is new, and an unreachable mailbox costs no reset.
    if (deps.mailbox) await timer.guard('email_code', () => deps.mailbox!.open());
    const startMark = timer.mark();
    const flowId = await timer.run('start', () => api.start(tenant, account));
    let next = 'verify_code';
    if (deps.authenticator) {
      const { secret, options } = deps.authenticator;
      next = await timer.run('totp', () => api.verify(flowId, 'totp', totpAt(secret, now(), options)));
    }
    if (deps.mailbox) {
      // Timed from the start: this is delivery end to end (queue, SMTP, the mail system, the mailbox).
      next = await timer.run('email_code', async () => {
        const code = await deps.mailbox!.waitForCode();
        return next === 'verify_code' || next === 'verify_second' ? api.verify(flowId, 'email_code', code) : next;
      }, startMark);
    }
    const password = newCanaryPassword();
    await timer.run('password', async () => {
      if (next !== 'set_password') throw new StepFailure(`the flow waits for ${next}, not a new password: the policy wants a proof the check was not given`);
      await api.setPassword(flowId, password);
    });
    await timer.run('sign_in', () => api.signIn(tenant, account, password));
    return { ok: true, steps: timer.steps, startedAt };
  } catch {
    return { ok: false, steps: timer.steps, failure: timer.failure ?? { step: 'start', reason: 'failed' }, startedAt };
  } finally {
    await deps.mailbox?.close();
  }
}

/**
 * A new password nobody knows: 240 random bits (40 URL-safe characters) and a fixed tail with every character
 * class, so length rules, blocklists and Active Directory's complexity rule all pass it.
 */
export function newCanaryPassword(): string {
  return `${randomBytes(30).toString('base64url')}-Aa1`;
}

/**
 * The seed from `--totp-seed-file`: the base32 seed itself, or the `otpauth://totp/…` URI the canary enrolled
 * with (its `secret`, `digits`, `period`, `algorithm`). A problem is a message for a usage error, never the seed.
 */
export function parseTotpSeed(text: string): CanaryAuthenticator | string {
  const raw = text.trim();
  if (raw.startsWith('otpauth://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'the TOTP seed file holds an otpauth:// URI that cannot be read';
    }
    const secret = url.searchParams.get('secret');
    if (!secret) return 'the otpauth:// URI in the TOTP seed file has no secret';
    const options: TotpOptions = {};
    const digits = Number(url.searchParams.get('digits') ?? 6);
    if (digits === 6 || digits === 7 || digits === 8) options.digits = digits;
    const period = Number(url.searchParams.get('period') ?? 30);
    if (Number.isInteger(period) && period > 0) options.period = period;
    const algorithm = (url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase();
    if (algorithm === 'SHA1' || algorithm === 'SHA256' || algorithm === 'SHA512') options.algorithm = algorithm;
    return base32(secret) ? { secret: secret.toUpperCase(), options } : 'the TOTP seed is not base32';
  }
  const secret = raw.replace(/[\s-]/g, '').toUpperCase();
  return base32(secret) ? { secret, options: {} } : 'the TOTP seed file must hold the base32 seed or an otpauth:// URI';
}

function base32(value: string): boolean {
  return /^[A-Z2-7]{16,}=*$/i.test(value);
}
