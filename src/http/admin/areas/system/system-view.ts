import { stringify } from 'yaml';
import type { ChannelHealth, DirectoryHealth, KeyRingStatus, SystemStatusSource } from '../../../../core/admin/system-status.js';
import { describeCount, groupByKey, KEY_USAGE_KINDS, type KeyUsageKind } from '../../../../core/crypto/key-usage.js';
import { UnlatchError } from '../../../../core/errors.js';
import type { AdminContext } from '../../admin-context.js';

/** One key of the ring (or one that records name but the ring lacks) and what it still protects. */
export interface KeyRow {
  id: string;
  newest: boolean;
  inRing: boolean;
  /** Records the key still seals or checks. */
  total: number;
  holds: Array<{ kind: string; count: number; resealable: boolean; text: string }>;
}

/** A channel's delivery, with times as ISO strings (the page and the JSON show the same). */
export interface ChannelRow {
  channel: string;
  pending: number;
  dead: number;
  lastSentAt: string | null;
  lastError: { message: string; queuedAt: string } | null;
}

/** A post-reset hook's deliveries, with times as ISO strings. */
export interface HookRow {
  name: string;
  preset: string;
  events: string[];
  pending: number;
  retrying: number;
  dead: number;
  lastSuccessAt: string | null;
  lastError: { message: string; queuedAt: string } | null;
}

/** Everything the System page and `GET …/system` show for one tenant. */
export interface SystemView {
  version: string;
  directories: DirectoryHealth[];
  channels: ChannelRow[];
  /** Post-reset hooks that hear this tenant's events (docs/hooks.md). */
  hooks: HookRow[];
  keys: KeyRow[];
  /** The effective configuration, every secret `[redacted]`, other tenants left out. */
  config: Record<string, unknown>;
}

/** The area's source, or a 404 where the app was built without it. */
export function systemSource(ctx: AdminContext): SystemStatusSource {
  if (!ctx.admin.system) throw new UnlatchError('not_found');
  return ctx.admin.system;
}

/** The tenant's system view; `checked` replaces the directory list with the results of a check just run. */
export async function systemView(ctx: AdminContext, tenantId: string, checked?: DirectoryHealth[]): Promise<SystemView> {
  const source = systemSource(ctx);
  const [channels, keys, hooks] = await Promise.all([source.channels(tenantId), source.keys(), source.hooks ? source.hooks(tenantId) : []]);
  return {
    version: source.version(),
    directories: checked ?? source.directories(tenantId),
    channels: channels.map(channelRow),
    hooks: hooks.map((hook) => ({
      ...hook,
      events: [...hook.events],
      lastSuccessAt: hook.lastSuccessAt?.toISOString() ?? null,
      lastError: hook.lastError ? { message: hook.lastError.message, queuedAt: hook.lastError.queuedAt.toISOString() } : null,
    })),
    keys: keyRows(keys),
    config: source.configFor(tenantId),
  };
}

/** The configuration as the YAML an operator would write. */
export function configYaml(view: SystemView): string {
  return stringify(view.config, { lineWidth: 0 });
}

function channelRow(health: ChannelHealth): ChannelRow {
  return {
    channel: health.channel,
    pending: health.pending,
    dead: health.dead,
    lastSentAt: health.lastSentAt?.toISOString() ?? null,
    lastError: health.lastError ? { message: health.lastError.message, queuedAt: health.lastError.queuedAt.toISOString() } : null,
  };
}

/** The ring's keys newest first, then keys that records name but the ring lacks (those records cannot be read). */
export function keyRows(status: KeyRingStatus): KeyRow[] {
  const byKey = groupByKey(status.counts);
  const ids = [...status.ringIds, ...[...byKey.keys()].filter((id) => !status.ringIds.includes(id))];
  return ids.map((id) => {
    const holds = [...(byKey.get(id) ?? new Map<KeyUsageKind, number>())].map(([kind, count]) => ({ kind, count, resealable: KEY_USAGE_KINDS[kind].resealable, text: describeCount(kind, count) }));
    return { id, newest: id === status.ringIds[0], inRing: status.ringIds.includes(id), total: holds.reduce((sum, h) => sum + h.count, 0), holds };
  });
}
