import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';

/** A device cookie's value as the portal makes them (base64url of 16+ random bytes); anything else counts as none. */
const DEVICE_ID = /^[A-Za-z0-9_-]{22,64}$/;

/** The cookie's value when it is one Unlatch could have made; undefined otherwise (a new device). */
export function validDevice(device: string | undefined): string | undefined {
  return device !== undefined && DEVICE_ID.test(device) ? device : undefined;
}

/**
 * The device's HMAC for one account (key ring, purpose `code-hmac`, its own message prefix): the table of known
 * devices holds only these, bound to the account, so a leaked table neither gives the cookies back nor links one
 * device across accounts. Made under the newest key; `isKnownDevice` checks every key still in the ring.
 */
export function deviceHash(keys: KeyRing, tenantId: string, subjectId: string, device: string, keyId?: string): string {
  const key = keys.subkey('code-hmac', keyId)!;
  return createHmac('sha256', key).update(`risk-device\u0000${tenantId}\u0000${subjectId}\u0000${device}`, 'utf8').digest('hex');
}

/** Whether `device` is among the account's known HMACs, under any key in the ring (constant-time compares). */
export function isKnownDevice(keys: KeyRing, tenantId: string, subjectId: string, device: string | undefined, known: readonly string[]): boolean {
  if (!device) return false;
  let found = false;
  for (const keyId of keys.ids) {
    const mine = Buffer.from(deviceHash(keys, tenantId, subjectId, device, keyId), 'hex');
    for (const stored of known) {
      const theirs = Buffer.from(stored, 'hex');
      if (theirs.length === mine.length && timingSafeEqual(theirs, mine)) found = true;
    }
  }
  return found;
}
