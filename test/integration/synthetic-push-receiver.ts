import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Pushgateway received. */
export interface PushRequest {
  method: string;
  path: string;
  contentType: string;
  body: string;
}

/** A local HTTP receiver standing in for a Pushgateway: records each request, answers 200 to a PUT of metrics, 400 otherwise. */
export interface PushReceiver {
  url: string;
  requests: PushRequest[];
  close(): Promise<void>;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const requests: PushRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', path: request.url ?? '', contentType: String(request.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') };
      requests.push(entry);
      // What a Pushgateway accepts: PUT to /metrics/job/<job>/instance/<instance> with text exposition.
      const ok = entry.method === 'PUT' && /^\/metrics\/job\/[^/]+\/instance\/[^/]+$/.test(entry.path) && entry.contentType.startsWith('text/plain') && entry.body.includes('# TYPE ');
      response.writeHead(ok ? 200 : 400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
