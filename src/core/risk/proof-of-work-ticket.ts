import { randomBytes } from 'node:crypto';
import type { KeyRing } from '../crypto/key-ring.js';
import { hashHandle } from '../crypto/secrets.js';

/**
 * The no-JavaScript stand-in for a proof-of-work challenge: a signed wait ticket. It names the tenant, the time it
 * was issued and a random id, and is bound to the client address (hashed into the MAC, never written out). It is
 * good from `waitSeconds` after issue until `expiresSeconds` after that, once: the gate spends its id like a
 * solved challenge's. Format: `w1.<keyId>.<issued unix seconds>.<id>.<hmac>`.
 */
export type WaitTicketCheck =
  | { kind: 'ready'; id: string; expiresAt: Date }
  | { kind: 'early'; remainingSeconds: number }
  | { kind: 'invalid' };

export interface WaitTicketTiming {
  waitSeconds: number;
  expiresSeconds: number;
}

const FORMAT = /^w1\.([A-Za-z0-9_-]{1,32})\.(\d{1,12})\.([0-9a-f]{32})\.([0-9a-f]{64})$/;

function message(tenantId: string, ip: string, issued: number, id: string): string {
  // The address is hashed so that a ticket cannot be carried to many sources; it is never part of the ticket.
  return `pow-wait\u0000${tenantId}\u0000${hashHandle(ip)}\u0000${issued}\u0000${id}`;
}

/** A fresh ticket for `tenantId` and this client, issued `now`. */
export function issueWaitTicket(keys: KeyRing, input: { tenantId: string; ip: string; now: Date }): string {
  const issued = Math.floor(input.now.getTime() / 1000);
  const id = randomBytes(16).toString('hex');
  const mac = keys.mac('pow-wait', message(input.tenantId, input.ip, issued, id));
  return `w1.${mac.keyId}.${issued}.${id}.${mac.digest}`;
}

/** Reads a ticket: ready (with the id to spend), still early (with the seconds left), or invalid (wrong, expired, another tenant or address). */
export function checkWaitTicket(keys: KeyRing, ticket: string, input: { tenantId: string; ip: string; now: Date }, timing: WaitTicketTiming): WaitTicketCheck {
  const match = FORMAT.exec(ticket);
  if (!match) return { kind: 'invalid' };
  const [, keyId, issuedText, id, digest] = match as unknown as [string, string, string, string, string];
  const issued = Number(issuedText);
  if (!keys.verifyMac('pow-wait', keyId, message(input.tenantId, input.ip, issued, id), digest)) return { kind: 'invalid' };
  const nowSeconds = input.now.getTime() / 1000;
  const readyAt = issued + timing.waitSeconds;
  const expiresAt = readyAt + timing.expiresSeconds;
  if (nowSeconds >= expiresAt) return { kind: 'invalid' };
  if (nowSeconds < readyAt) return { kind: 'early', remainingSeconds: Math.max(1, Math.ceil(readyAt - nowSeconds)) };
  return { kind: 'ready', id, expiresAt: new Date(expiresAt * 1000) };
}
