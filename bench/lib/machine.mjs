// How busy the machine was apart from the benchmark: whole-machine CPU time from /proc/stat minus
// the CPU time of the bench process and the server child (and, apart, time stolen by the hypervisor).
// Linux only; elsewhere it reports nothing.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

const TICK_US = 10_000; // USER_HZ is 100 on Linux

function machineBusyUs() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busy: (user + nice + system + irq + softirq) * TICK_US, steal: steal * TICK_US };
  } catch {
    return null;
  }
}

const processUs = (cpu) => (cpu ? cpu.user + cpu.system : 0);

/** A snapshot to diff later; `serverCpu` is the child's process.cpuUsage(). */
export function cpuSnapshot(serverCpu) {
  return { at: Date.now(), machine: machineBusyUs(), bench: processUs(process.cpuUsage()), server: processUs(serverCpu) };
}

/** CPU time over the interval (core-ms) and average cores used by the server, the bench process, and everything else. */
export function cpuBetween(a, b) {
  const wallUs = (b.at - a.at) * 1000 || 1;
  const serverCoreMs = (b.server - a.server) / 1000;
  const benchCoreMs = (b.bench - a.bench) / 1000;
  const server = serverCoreMs * 1000 / wallUs;
  const bench = benchCoreMs * 1000 / wallUs;
  const own = { server, bench, serverCoreMs, benchCoreMs, wallMs: wallUs / 1000 };
  if (a.machine === null || b.machine === null) return { ...own, machine: null, others: null, steal: null };
  const machine = (b.machine.busy - a.machine.busy) / wallUs;
  const steal = (b.machine.steal - a.machine.steal) / wallUs;
  return { ...own, machine, others: Math.max(0, machine - server - bench), steal };
}

export function machineInfo() {
  return {
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  };
}
