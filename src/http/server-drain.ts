import type { FastifyInstance } from 'fastify';

/** How often a closing server looks for connections that have just gone idle. */
const IDLE_SWEEP_MS = 50;

/**
 * While the app drains, every response says `Connection: close`: keep-alive clients (a load balancer's
 * pooled connections) reconnect, and so reach a node that is not going away.
 */
export function closeKeepAliveWhileDraining(server: FastifyInstance, isDraining: () => boolean): void {
  server.addHook('onSend', async (_request, reply) => {
    if (isDraining()) reply.header('connection', 'close');
  });
}

/**
 * Closes the server without waiting for keep-alive clients. Node's `server.close()` closes the connections
 * idle at that moment, but one busy then stays open after its response until the keep-alive timeout
 * (72 s in Fastify), far past a 30 s grace period: so idle connections are swept until the close is done.
 * In-flight requests still finish.
 */
export async function closeServerPromptly(server: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => server.server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await server.close();
  } finally {
    clearInterval(sweep);
  }
}

/** The hard deadline: every connection is cut, busy or not. */
export function closeAllConnections(server: FastifyInstance): void {
  server.server.closeAllConnections();
}
