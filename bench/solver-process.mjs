// The legitimate people's devices in Phase F: proof-of-work challenges solved in a process of their own, at a
// lower priority than the server (bench/flood-run.mjs forks it). In a browser the ALTCHA widget solves in a Web
// Worker on the person's device while they type; solving in the bench's event loop would instead delay the other
// clients' requests and take CPU from the server as an equal.
// IPC: { id, challenge } in, { id, solution } or { id, error } out; { id, cpu: true } → { id, cpuMs } (its CPU so far).
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';

process.on('message', async ({ id, challenge, cpu }) => {
  if (cpu) {
    const used = process.cpuUsage();
    process.send({ id, cpuMs: (used.user + used.system) / 1000 });
    return;
  }
  try {
    const solution = await solveChallenge({ challenge, deriveKey });
    if (!solution) throw new Error('proof-of-work: no solution found');
    const payload = Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })).toString('base64');
    process.send({ id, solution: payload });
  } catch (error) {
    process.send({ id, error: String(error?.message ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
