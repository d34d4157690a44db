import type { HookDeliveryEvent } from '../../core/hooks/hook-cloud-event.js';

/**
 * One configured hook's target API. `send` resolves once the target took the event and rejects with a
 * `HookCallError` (its `transient` says whether to retry) when it did not; it never throws anything else on
 * purpose. Each preset is one file under `presets/`, listed once in `hook-presets.ts`.
 */
export interface HookTarget {
  send(event: HookDeliveryEvent): Promise<void>;
  /** Frees kept-alive connections. */
  close(): void;
}
