// A minimal JSON client on node:http with keep-alive: cheaper per request than fetch, so the load
// generator takes as little CPU as possible from the (shared) machine.
import http from 'node:http';

export class JsonClient {
  /** @param {string} baseUrl e.g. http://127.0.0.1:1234 @param {number} sockets */
  constructor(baseUrl, sockets) {
    const url = new URL(baseUrl);
    if (url.hostname !== '127.0.0.1') throw new Error(`bench traffic goes to 127.0.0.1 only, not ${url.hostname}`);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** POST JSON; resolves `{ status, body }` (body parsed when it is JSON). */
  post(path, payload, timeoutMs = 30_000) {
    const data = Buffer.from(JSON.stringify(payload));
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.host,
          port: this.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': data.length, 'user-agent': 'unlatch-bench' },
          timeout: timeoutMs,
        },
        (response) => collectJson(response, resolve, reject),
      );
      request.on('timeout', () => request.destroy(new Error(`POST ${path} timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(data);
    });
  }

  close() {
    this.agent.destroy();
  }
}

/** Reads a response to its end and resolves `{ status, body }`, the body parsed as JSON when it is JSON. */
export function collectJson(response, resolve, reject) {
  const chunks = [];
  response.on('data', (chunk) => chunks.push(chunk));
  response.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    let body = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON; keep the text
    }
    resolve({ status: response.statusCode, body });
  });
  response.on('error', reject);
}
