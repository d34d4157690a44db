import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

/** 192 bits from the CSPRNG, base64url: the public handle of a flow (a bearer secret once the code is verified). */
export function newFlowHandle(): string {
  return randomBytes(24).toString('base64url');
}

/** Handles have full entropy, so a plain SHA-256 is enough to keep them out of the database. */
export function hashHandle(handle: string): string {
  return createHash('sha256').update(handle, 'utf8').digest('hex');
}

/** A uniformly random numeric code of `digits` digits (leading zeros kept). */
export function newNumericCode(digits = 6): string {
  return randomInt(0, 10 ** digits).toString().padStart(digits, '0');
}

export function newId(): string {
  return randomUUID();
}
