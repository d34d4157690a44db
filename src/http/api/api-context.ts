import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';
import type { ErrorTranslator } from '../problem.js';

/** What every API route gets: the HTTP deps and the translator for problem titles. */
export interface ApiContext {
  deps: HttpDeps;
  translate: ErrorTranslator;
}

/** One endpoint: adds its route (with its schemas) to the API plugin's instance. */
export type ApiRoute = (app: FastifyInstance, context: ApiContext) => void;
