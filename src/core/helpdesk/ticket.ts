import { UnlatchError } from '../errors.js';

/** The longest ticket reference accepted. */
export const TICKET_MAX_LENGTH = 64;

/**
 * The ticket reference an agent types for every helpdesk step: required, at most 64 characters, printable
 * (letters, digits, punctuation and spaces; no control or invisible characters), trimmed. Anything else is
 * `invalid_request` naming the field `ticket`, so the page ties the error to its input.
 */
export function parseTicket(raw: unknown): string {
  if (typeof raw !== 'string') throw new UnlatchError('invalid_request', { field: 'ticket', reason: 'missing' });
  const ticket = raw.normalize('NFKC').trim();
  if (ticket === '') throw new UnlatchError('invalid_request', { field: 'ticket', reason: 'missing' });
  if ([...ticket].length > TICKET_MAX_LENGTH) throw new UnlatchError('invalid_request', { field: 'ticket', reason: 'too_long' });
  // Letters, marks, numbers, punctuation, symbols and the plain space: what a ticket system prints.
  if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u.test(ticket)) throw new UnlatchError('invalid_request', { field: 'ticket', reason: 'not_printable' });
  return ticket;
}
