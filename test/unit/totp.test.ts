import { ScureBase32Plugin } from 'otplib';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, normalizeTotpCode, totpAt, totpStep, totpUri, verifyTotp, type TotpAlgorithm } from '../../src/core/methods/totp/totp.js';

const base32 = new ScureBase32Plugin();
const ascii = (seed: string) => base32.encode(Buffer.from(seed, 'ascii'));

// RFC 6238 Appendix B: the seed for each hash is the ASCII string below, 8 digits, 30 s steps, T0 = 0.
const SEEDS: Record<TotpAlgorithm, string> = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
};

const VECTORS: { time: number; SHA1: string; SHA256: string; SHA512: string }[] = [
  { time: 59, SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' },
  { time: 1111111109, SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' },
  { time: 1111111111, SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' },
  { time: 1234567890, SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' },
  { time: 2000000000, SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' },
  { time: 20000000000, SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' },
];

const ALGORITHMS: TotpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

describe('RFC 6238 Appendix B test vectors', () => {
  for (const algorithm of ALGORITHMS) {
    for (const vector of VECTORS) {
      it(`${algorithm} at T=${vector.time} is ${vector[algorithm]}`, () => {
        const secret = ascii(SEEDS[algorithm]);
        expect(totpAt(secret, vector.time * 1000, { algorithm, digits: 8, period: 30 })).toBe(vector[algorithm]);
        const result = verifyTotp({ secretBase32: secret, code: vector[algorithm], nowMs: vector.time * 1000, lastUsedStep: null, window: 0, algorithm, digits: 8, period: 30 });
        expect(result).toEqual({ ok: true, step: Math.floor(vector.time / 30) });
      });
    }
  }

  it('defaults to SHA1, 6 digits, 30 s (the last 6 digits of the 8-digit code)', () => {
    expect(totpAt(ascii(SEEDS.SHA1), 59_000)).toBe('287082');
    expect(totpAt(ascii(SEEDS.SHA1), 1111111109_000)).toBe('081804');
  });
});

describe('newTotpSecret', () => {
  it('is 160 bits of unpadded base32, different each time', () => {
    const secrets = new Set(Array.from({ length: 200 }, newTotpSecret));
    expect(secrets.size).toBe(200);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(base32.decode(secret).length).toBe(20);
    }
  });

  it('makes codes an app would compute', () => {
    const secret = newTotpSecret();
    expect(totpAt(secret, Date.now())).toMatch(/^\d{6}$/);
  });
});

describe('verifyTotp', () => {
  const secret = newTotpSecret();
  const now = 1_700_000_012_345;
  const step = totpStep(now);
  const codeAt = (offsetSteps: number) => totpAt(secret, now + offsetSteps * 30_000);
  const verify = (code: string, extra: { lastUsedStep?: number | null; window?: number } = {}) =>
    verifyTotp({ secretBase32: secret, code, nowMs: now, lastUsedStep: extra.lastUsedStep ?? null, ...(extra.window === undefined ? {} : { window: extra.window }) });

  it('accepts the current code and returns its step', () => {
    expect(verify(codeAt(0))).toEqual({ ok: true, step });
  });

  it('accepts one step either side by default (clock drift)', () => {
    expect(verify(codeAt(-1))).toEqual({ ok: true, step: step - 1 });
    expect(verify(codeAt(1))).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses two steps either side by default, accepts them with window 2', () => {
    for (const offset of [-2, 2]) {
      // A 1-in-a-million collision with a step inside the window would make this flaky; rule it out.
      if ([-1, 0, 1].some((o) => codeAt(o) === codeAt(offset))) continue;
      expect(verify(codeAt(offset))).toEqual({ ok: false, reason: 'wrong' });
      expect(verify(codeAt(offset), { window: 2 })).toEqual({ ok: true, step: step + offset });
    }
  });

  it('accepts only the current step with window 0', () => {
    expect(verify(codeAt(0), { window: 0 })).toEqual({ ok: true, step });
    if (codeAt(-1) !== codeAt(0)) expect(verify(codeAt(-1), { window: 0 })).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses a wrong code', () => {
    const wrong = String((Number(codeAt(0)) + 1) % 1_000_000).padStart(6, '0');
    if (![-1, 0, 1].some((o) => codeAt(o) === wrong)) expect(verify(wrong)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses a code used before (replay within its window)', () => {
    const first = verify(codeAt(0));
    expect(first.ok).toBe(true);
    const lastUsedStep = first.ok ? first.step : null;
    expect(verify(codeAt(0), { lastUsedStep })).toEqual({ ok: false, reason: 'replayed' });
    // An older code, still inside the window, is refused once a later one was accepted.
    expect(verify(codeAt(-1), { lastUsedStep })).toEqual({ ok: false, reason: 'replayed' });
    // The next step's code is new.
    expect(verify(codeAt(1), { lastUsedStep })).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses the same code when the clock has moved on a step, as long as it is in the window', () => {
    const code = codeAt(0);
    const later = verifyTotp({ secretBase32: secret, code, nowMs: now + 30_000, lastUsedStep: step, window: 1 });
    expect(later).toEqual({ ok: false, reason: 'replayed' });
  });

  it('normalises the input: surrounding and inner spaces, full-width digits', () => {
    const code = codeAt(0);
    expect(verify(` ${code.slice(0, 3)} ${code.slice(3)}\n`)).toEqual({ ok: true, step });
    const fullWidth = [...code].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
    expect(verify(fullWidth)).toEqual({ ok: true, step });
    expect(normalizeTotpCode(' 12 34 56 ')).toBe('123456');
  });

  it('calls malformed input malformed', () => {
    for (const input of ['', '   ', '12345', '1234567', 'abcdef', '12345a', '123-456', '+12345', '１２３４５', '1'.repeat(1000)]) {
      expect(verify(input)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(verifyTotp({ secretBase32: secret, code: '123456', nowMs: now, lastUsedStep: null, digits: 8 })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses an unreasonable window', () => {
    expect(() => verify(codeAt(0), { window: -1 })).toThrow(RangeError);
    expect(() => verify(codeAt(0), { window: 1.5 })).toThrow(RangeError);
    expect(() => verify(codeAt(0), { window: 11 })).toThrow(RangeError);
  });

  it('honours algorithm, digits and period', () => {
    const options = { algorithm: 'SHA256', digits: 8, period: 60 } as const;
    const code = totpAt(secret, now, options);
    expect(code).toMatch(/^\d{8}$/);
    expect(verifyTotp({ secretBase32: secret, code, nowMs: now + 60_000, lastUsedStep: null, ...options })).toEqual({ ok: true, step: totpStep(now, 60) });
  });
});

describe('totpUri', () => {
  it('builds the Key URI with all parameters', () => {
    const uri = totpUri({ secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', accountName: 'jane@example.com', issuer: 'Example' });
    expect(uri).toBe('otpauth://totp/Example:jane%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30');
  });

  it('round-trips an issuer and account name with :, &, spaces and Unicode through new URL', () => {
    const issuer = 'ACME: R&D Zürich / 東京';
    const accountName = 'jane doe+tag@example.com&x=1:y?z#w%20';
    const secret = newTotpSecret();
    const uri = totpUri({ secret, accountName, issuer, algorithm: 'SHA512', digits: 8, period: 60 });
    expect(uri).not.toMatch(/\s/);

    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    const label = url.pathname.slice(1);
    // Exactly one literal colon: the issuer/account separator.
    expect(label.split(':')).toHaveLength(2);
    const [encodedIssuer, encodedAccount] = label.split(':') as [string, string];
    expect(decodeURIComponent(encodedIssuer)).toBe(issuer);
    expect(decodeURIComponent(encodedAccount)).toBe(accountName);
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe(issuer);
    expect(url.searchParams.get('algorithm')).toBe('SHA512');
    expect(url.searchParams.get('digits')).toBe('8');
    expect(url.searchParams.get('period')).toBe('60');
    expect(url.hash).toBe('');
    expect([...url.searchParams.keys()]).toEqual(['secret', 'issuer', 'algorithm', 'digits', 'period']);
  });

  it('writes spaces as %20, not +', () => {
    const uri = totpUri({ secret: 'AAAA', accountName: 'a b', issuer: 'My Org' });
    expect(uri).toContain('/My%20Org:a%20b?');
    expect(uri).toContain('issuer=My%20Org');
    expect(uri).not.toContain('+');
  });
});
