import { randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSync, ScureBase32Plugin } from 'otplib';

/**
 * Authenticator-app codes (TOTP, RFC 6238): seed generation, the `otpauth://` provisioning URI,
 * and verification with a ±window and replay protection. Pure: the caller keeps the sealed seed
 * and the last accepted step, and passes the clock in.
 */

/** Hash of the HMAC, spelled as in the `otpauth://` URI. */
export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** Code parameters. Authenticator apps widely support only the defaults (SHA1, 6 digits, 30 s). */
export interface TotpOptions {
  /** Default `SHA1`. */
  algorithm?: TotpAlgorithm;
  /** Default 6. */
  digits?: 6 | 7 | 8;
  /** Seconds per step, default 30. */
  period?: number;
}

export const TOTP_DEFAULTS: Required<TotpOptions> = { algorithm: 'SHA1', digits: 6, period: 30 };

/** Steps either side of now accepted by default: one, for clock drift and typing time (RFC 6238 §5.2). */
export const DEFAULT_TOTP_WINDOW = 1;

/** The largest `window` accepted: each extra step widens the guessing target by one code. */
export const MAX_TOTP_WINDOW = 10;

/** The seed length recommended by RFC 4226 §4 (R6): 160 bits. */
const SECRET_BYTES = 20;

// Longer input is refused before any normalisation work; no real code comes close.
const MAX_CODE_INPUT_LENGTH = 64;

const base32 = new ScureBase32Plugin();

/** A fresh 160-bit seed from the CSPRNG, as unpadded RFC 4648 base32 (what authenticator apps expect). */
export function newTotpSecret(): string {
  return base32.encode(randomBytes(SECRET_BYTES), { padding: false });
}

/** What goes into the provisioning URI. */
export interface TotpUriInput extends TotpOptions {
  /** Base32 seed. */
  secret: string;
  /** Shown in the app under the issuer, e.g. the username or email address. */
  accountName: string;
  /** Who the account belongs to, e.g. the tenant's or the organisation's name. */
  issuer: string;
}

/**
 * The Key URI Format (`otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…`)
 * that authenticator apps read from the QR code.
 */
export function totpUri(input: TotpUriInput): string {
  const { algorithm, digits, period } = resolveOptions(input);
  // Each label part is encoded on its own, so a `:` inside the issuer becomes %3A and cannot be
  // mistaken for the issuer/account separator. encodeURIComponent writes spaces as %20, which apps
  // expect (URLSearchParams would write `+`, which some apps show literally).
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.accountName)}`;
  const params: [string, string][] = [
    ['secret', input.secret],
    ['issuer', input.issuer],
    ['algorithm', algorithm],
    ['digits', String(digits)],
    ['period', String(period)],
  ];
  return `otpauth://totp/${label}?${params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`;
}

/** The RFC 6238 time step of `timeMs` (T0 = 0). */
export function totpStep(timeMs: number, period: number = TOTP_DEFAULTS.period): number {
  checkPeriod(period);
  return Math.floor(timeMs / (period * 1000));
}

/** The code for the step that contains `timeMs`. */
export function totpAt(secretBase32: string, timeMs: number, options: TotpOptions = {}): string {
  const resolved = resolveOptions(options);
  return codeAtStep(secretBase32, totpStep(timeMs, resolved.period), resolved);
}

/** What `verifyTotp` needs; `lastUsedStep` is the step the caller stored after the previous success. */
export interface VerifyTotpInput extends TotpOptions {
  secretBase32: string;
  /** As typed: surrounding and inner spaces are ignored. */
  code: string;
  nowMs: number;
  /** The step returned by the last successful verification, or null when none. */
  lastUsedStep: number | null;
  /** Steps accepted either side of the current one (default 1, at most `MAX_TOTP_WINDOW`). */
  window?: number;
}

/**
 * Why a code was refused: `malformed` (not `digits` digits after normalising), `wrong` (no step in the
 * window matches), `replayed` (it matches, but only a step at or before the last accepted one).
 */
export type TotpRejection = 'malformed' | 'wrong' | 'replayed';

/** On success the caller stores `step` as the new `lastUsedStep`, atomically with accepting the code. */
export type VerifyTotpResult = { ok: true; step: number } | { ok: false; reason: TotpRejection };

/** Checks a typed code against the steps `now ± window`. */
export function verifyTotp(input: VerifyTotpInput): VerifyTotpResult {
  const options = resolveOptions(input);
  const window = input.window ?? DEFAULT_TOTP_WINDOW;
  if (!Number.isInteger(window) || window < 0 || window > MAX_TOTP_WINDOW) {
    throw new RangeError(`TOTP window must be an integer from 0 to ${MAX_TOTP_WINDOW}`);
  }
  const code = normalizeTotpCode(input.code, options.digits);
  if (code === null) return { ok: false, reason: 'malformed' };

  const candidate = Buffer.from(code, 'ascii');
  const now = totpStep(input.nowMs, options.period);
  let fresh: number | null = null;
  let stale = false;
  // Every step in the window is computed and compared, with no early exit, so the time taken says
  // nothing about which step (if any) matched.
  for (let step = now - window; step <= now + window; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(codeAtStep(input.secretBase32, step, options), 'ascii');
    if (!timingSafeEqual(expected, candidate)) continue;
    if (input.lastUsedStep !== null && step <= input.lastUsedStep) stale = true;
    // The highest matching step is the one stored: storing a lower one would let the same code,
    // should it also match a later step, be accepted a second time.
    else fresh = step;
  }
  if (fresh !== null) return { ok: true, step: fresh };
  return { ok: false, reason: stale ? 'replayed' : 'wrong' };
}

/** The code as compared: NFKC (full-width digits), surrounding and inner whitespace removed; null when not `digits` digits. */
export function normalizeTotpCode(input: string, digits: 6 | 7 | 8 = TOTP_DEFAULTS.digits): string | null {
  if (input.length > MAX_CODE_INPUT_LENGTH) return null;
  const code = input.normalize('NFKC').replace(/\s+/g, '');
  return code.length === digits && /^[0-9]+$/.test(code) ? code : null;
}

/** HOTP (RFC 4226) at counter `step`: otplib's HMAC and dynamic truncation. */
function codeAtStep(secretBase32: string, step: number, options: Required<TotpOptions>): string {
  return generateSync({
    strategy: 'hotp',
    secret: secretBase32,
    counter: step,
    algorithm: toOtplibAlgorithm(options.algorithm),
    digits: options.digits,
  });
}

function toOtplibAlgorithm(algorithm: TotpAlgorithm): 'sha1' | 'sha256' | 'sha512' {
  switch (algorithm) {
    case 'SHA1':
      return 'sha1';
    case 'SHA256':
      return 'sha256';
    case 'SHA512':
      return 'sha512';
  }
}

function resolveOptions(options: TotpOptions): Required<TotpOptions> {
  const resolved = {
    algorithm: options.algorithm ?? TOTP_DEFAULTS.algorithm,
    digits: options.digits ?? TOTP_DEFAULTS.digits,
    period: options.period ?? TOTP_DEFAULTS.period,
  };
  if (!['SHA1', 'SHA256', 'SHA512'].includes(resolved.algorithm)) throw new RangeError('unsupported TOTP algorithm');
  if (![6, 7, 8].includes(resolved.digits)) throw new RangeError('TOTP digits must be 6, 7 or 8');
  checkPeriod(resolved.period);
  return resolved;
}

function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1 || period > 3600) throw new RangeError('TOTP period must be an integer from 1 to 3600 seconds');
}
