import type { FastifyRequest } from 'fastify';
import { UnlatchError } from '../../core/errors.js';
import type { DirectoryAccount } from '../../core/ports/directory.js';
import type { HttpDeps } from '../http-deps.js';

/** The bearer token of `Authorization: Bearer <token>`, or `session_invalid`. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header) : null;
  if (!match) throw new UnlatchError('session_invalid');
  return match[1]!;
}

/** The signed-in person of a request (a full session), or `session_invalid`. */
export async function signedIn(deps: HttpDeps, request: FastifyRequest): Promise<DirectoryAccount> {
  return (await deps.signIn.resolve(bearerToken(request))).account;
}

/** The OpenAPI security requirement of `/me` routes. */
export const BEARER = [{ bearer: [] }];
