import type { FastifyInstance } from 'fastify';
import { sendProblem, type ErrorTranslator } from './problem.js';

/** Outside the API and portal (which render their own), errors and unknown routes answer problem JSON. */
export function registerFallbackErrors(app: FastifyInstance, translate: ErrorTranslator): void {
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply, translate));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(Object.assign(new Error('not found'), { statusCode: 404 }), request, reply, translate),
  );
}
