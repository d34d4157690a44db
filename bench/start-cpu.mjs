// A/B of the start step's CPU cost between two builds, without HTTP load or a second process: 1,500 sequential
// `POST /api/v1/reset` through `inject` after 200 warm-up, for unknown and for known identifiers, two rounds.
// usage: node bench/start-cpu.mjs DIST   (DIST: a build's dist/ folder, absolute path; e.g. a patched copy)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dist = process.argv[2];
const { buildApp } = await import(join(dist, 'src/app.js'));
const { validateConfig } = await import(join(dist, 'src/config/load-config.js'));
const limits = Object.fromEntries(['start_ip', 'start_identifier', 'start_tenant', 'send_destination'].map((b) => [b, { points: 1e9, durationSeconds: 60 }]));
const config = validateConfig({ mode: 'dev', dataDir: mkdtempSync(join(tmpdir(), 'sb-')), log: { level: 'silent' }, rateLimits: limits });
const app = await buildApp({ config, startWorker: false });
await app.server.ready();
const run = async (label, id) => {
  const n = 1500;
  for (let i = 0; i < 200; i++) await app.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: id(i) } });
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await app.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: id(i) } });
  const c = process.cpuUsage(c0); const t = performance.now() - t0;
  console.log(`${label}: ${(t / n).toFixed(3)} ms wall, ${((c.user + c.system) / 1000 / n).toFixed(3)} ms cpu per start`);
};
for (let r = 0; r < 2; r++) {
  await run('unknown', (i) => `nobody-${r}-${i}@example.org`);
  await run('known  ', (i) => ['alice', 'bob', 'carol'][i % 3]);
}
await app.close();
