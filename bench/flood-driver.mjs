// Phase F's flood in a process of its own (bench/flood-run.mjs forks it and lowers its priority): an attacker's
// CPU is not the server's, and on one machine a separate, lowest-priority process is the nearest thing to
// another machine. The flood loops also no longer share an event loop with the legitimate clients, whose
// latency would otherwise be the bench's own lag.
// IPC: the parent sends { url, connections, addresses }, then 'count' (start counting) and 'stop'; the child
// answers 'ready' once flooding and, on 'stop', { counts, otherKinds, cpuMs, seconds } and exits.
import { startFlood } from './flood-phase.mjs';

let flood = null;
let counting = false;
let since = null;

process.on('message', async (message) => {
  if (message?.url) {
    flood = startFlood({ url: new URL(message.url), connections: message.connections, addresses: message.addresses, counting: () => counting });
    process.send('ready');
  } else if (message === 'count') {
    since = { cpu: process.cpuUsage(), at: performance.now() };
    counting = true;
  } else if (message === 'stop') {
    counting = false;
    const cpu = since ? process.cpuUsage(since.cpu) : { user: 0, system: 0 };
    const seconds = since ? (performance.now() - since.at) / 1000 : 0;
    await flood?.stop();
    process.send({ counts: flood?.counts ?? {}, otherKinds: Object.fromEntries(flood?.otherKinds ?? []), cpuMs: (cpu.user + cpu.system) / 1000, seconds }, () => process.exit(0));
  }
});
