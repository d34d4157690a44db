// A CPU limit per server process, as a container runtime sets one (`docker run --cpus`, Kubernetes
// `resources.limits.cpu`): a Linux cgroup with a CFS quota. Phase P uses it to measure how the nodes scale when
// each has cores of its own, which two nodes, PostgreSQL and the load generator on one 2-core machine do not.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PERIOD_US = 100_000;

/** Where the cpu controller is mounted and how it is written (cgroup v2's cpu.max, or v1's cfs files). */
function controller() {
  const v2 = '/sys/fs/cgroup';
  if (existsSync(join(v2, 'cgroup.controllers')) && readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu')) {
    return {
      root: v2,
      setQuota: (dir, cores) => writeFileSync(join(dir, 'cpu.max'), cores === null ? `max ${PERIOD_US}` : `${Math.round(cores * PERIOD_US)} ${PERIOD_US}`),
      enable: () => writeFileSync(join(v2, 'cgroup.subtree_control'), '+cpu'),
    };
  }
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(join(v1, 'cpu.cfs_quota_us'))) {
    return {
      root: v1,
      setQuota: (dir, cores) => {
        writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(dir, 'cpu.cfs_quota_us'), cores === null ? '-1' : String(Math.round(cores * PERIOD_US)));
      },
      enable: () => {},
    };
  }
  return null;
}

/**
 * One cgroup per process put under it; `limit(cores)` caps them all, `limit(null)` lifts the cap. Returns
 * `{ unavailable: reason }` where cgroups cannot be written (not root, a read-only cgroup mount).
 */
export function createCpuLimits(prefix = `unlatch-bench-${process.pid}`) {
  const cg = controller();
  if (!cg) return { unavailable: 'no cgroup cpu controller on this machine' };
  try {
    cg.enable();
    const probe = join(cg.root, `${prefix}-probe`);
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return { unavailable: `cgroups cannot be written here (${error.code ?? error.message})` };
  }
  const groups = [];
  return {
    /** Moves the process (all its threads) into a group of its own, uncapped for now. */
    add(pid) {
      const dir = join(cg.root, `${prefix}-${groups.length + 1}`);
      mkdirSync(dir);
      cg.setQuota(dir, null);
      writeFileSync(join(dir, 'cgroup.procs'), String(pid));
      groups.push({ dir, pid });
    },
    /** Caps every group at `cores` (e.g. 0.3), or lifts the caps (null). */
    limit(cores) {
      for (const g of groups) cg.setQuota(g.dir, cores);
    },
    /** Moves the processes back and removes the groups (a process that ended has left its group already). */
    release() {
      for (const g of groups.splice(0)) {
        try {
          writeFileSync(join(cg.root, 'cgroup.procs'), String(g.pid));
        } catch {
          // The process has exited.
        }
        try {
          rmdirSync(g.dir);
        } catch {
          // Still busy for a moment after an exit; the kernel frees an empty group with its last reference.
        }
      }
    },
  };
}
