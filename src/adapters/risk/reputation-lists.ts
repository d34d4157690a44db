import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../../config/config-error.js';
import type { IpReputation, ReputationHit } from '../../core/risk/risk-ports.js';
import { stampOf } from './file-stamp.js';

/** One configured list (`risk.reputationLists[]`). */
export interface ReputationListConfig {
  name: string;
  file: string;
  points: number;
}

/** Where the lists say what happened: a skipped line, a reload, a file that went missing. */
export interface ReputationEvents {
  warn(details: Record<string, unknown>, message: string): void;
  info?(details: Record<string, unknown>, message: string): void;
}

/** How often each file's size and time are checked, besides fs.watch (which misses renames on some systems). */
const DEFAULT_POLL_MS = 30_000;

interface LoadedList {
  config: ReputationListConfig;
  blocks: BlockList;
  /** `mtimeMs:size` when read: a change of either reloads. */
  stamp: string;
}

/**
 * The operator's IP reputation lists: one address or CIDR per line (IPv4 and IPv6), `#` starts a comment. A bad
 * line is skipped with a warning naming the file and line; a missing file refuses the start; a file changed later
 * is read again (fs.watch, and a periodic look at its size and time), and one that went missing keeps its last copy.
 */
export class ReputationLists implements IpReputation {
  private lists: LoadedList[];
  private readonly watchers: FSWatcher[] = [];
  private readonly timer: NodeJS.Timeout | null;

  constructor(configs: readonly ReputationListConfig[], private readonly events: ReputationEvents, options: { pollMs?: number; watch?: boolean } = {}) {
    this.lists = configs.map((config, index) => {
      const stamp = stampOf(config.file);
      if (stamp === null) throw new ConfigError(`config: risk.reputationLists.${index}.file: ${config.file} cannot be read`);
      return { config, blocks: parseList(config.file, readFileSync(config.file, 'utf8'), events), stamp };
    });
    if (configs.length > 0 && options.watch !== false) {
      for (const list of this.lists) {
        try {
          const watcher = watch(list.config.file, { persistent: false }, () => this.refresh());
          watcher.on('error', () => undefined);
          this.watchers.push(watcher);
        } catch {
          // Some file systems cannot be watched: the periodic check still notices changes.
        }
      }
    }
    this.timer = configs.length > 0 ? setInterval(() => this.refresh(), options.pollMs ?? DEFAULT_POLL_MS) : null;
    this.timer?.unref();
  }

  lookup(ip: string): ReputationHit[] {
    const family = isIP(ip);
    if (family === 0) return [];
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const hits: ReputationHit[] = [];
    for (const list of this.lists) if (list.blocks.check(ip, type)) hits.push({ name: list.config.name, points: list.config.points });
    return hits;
  }

  /** Reads again every list whose file changed; returns how many were reloaded. */
  refresh(): number {
    let reloaded = 0;
    this.lists = this.lists.map((list) => {
      const stamp = stampOf(list.config.file);
      if (stamp === null) {
        this.events.warn({ list: list.config.name, file: list.config.file }, 'reputation list file is missing; its last copy stays in use');
        return list;
      }
      if (stamp === list.stamp) return list;
      try {
        const blocks = parseList(list.config.file, readFileSync(list.config.file, 'utf8'), this.events);
        reloaded += 1;
        this.events.info?.({ list: list.config.name, file: list.config.file }, 'reputation list reloaded');
        return { config: list.config, blocks, stamp };
      } catch (error) {
        this.events.warn({ list: list.config.name, file: list.config.file, err: error }, 'reputation list could not be read; its last copy stays in use');
        return list;
      }
    });
    return reloaded;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const watcher of this.watchers) watcher.close();
  }
}

/** One list's lines as a BlockList; a line that is neither an address nor a CIDR is skipped with a warning. */
export function parseList(file: string, text: string, events: ReputationEvents): BlockList {
  const blocks = new BlockList();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const [address, prefixText, extra] = line.split('/');
    const family = isIP(address ?? '');
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (family === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      events.warn({ file, line: index + 1 }, `reputation list ${file} line ${index + 1}: not an IP address or CIDR; skipped`);
      return;
    }
    if (prefix === max) blocks.addAddress(address!, type);
    else blocks.addSubnet(address!, prefix, type);
  });
  return blocks;
}
