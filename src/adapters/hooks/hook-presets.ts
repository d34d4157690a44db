import type { HookConfig } from '../../config/hooks-schema.js';
import type { HookTarget } from './hook-target.js';
import { hooksJwks, loadLogoutSigningKey, type LogoutSigningKey } from './logout-signing-key.js';
import { KeycloakHook } from './presets/keycloak-hook.js';
import { MicrosoftGraphHook } from './presets/microsoft-graph-hook.js';
import { OidcBackchannelHook } from './presets/oidc-backchannel-hook.js';
import { OktaHook } from './presets/okta-hook.js';
import { WebhookHook } from './presets/webhook-hook.js';

/** A configured hook and the client of its target. */
export interface ConfiguredHook {
  config: HookConfig;
  target: HookTarget;
}

/** The configured hooks by name, and the JWKS of their logout-token keys (empty without back-channel hooks). */
export interface HookTargets {
  hooks: ReadonlyMap<string, ConfiguredHook>;
  jwks: { keys: object[] };
  close(): void;
}

/**
 * The one list of presets: each hook type's target, built from its configuration. Keys are read here, at
 * start, so a bad key file stops the process instead of failing every delivery later.
 */
export async function buildHookTargets(configs: readonly HookConfig[], options: { issuer: string; now?: () => number }): Promise<HookTargets> {
  const now = options.now ?? Date.now;
  const keys: LogoutSigningKey[] = [];
  const hooks = new Map<string, ConfiguredHook>();
  for (const config of configs) {
    let target: HookTarget;
    switch (config.type) {
      case 'webhook':
        target = new WebhookHook(config, now);
        break;
      case 'keycloak':
        target = new KeycloakHook(config, now);
        break;
      case 'okta':
        target = new OktaHook(config);
        break;
      case 'microsoft-graph':
        target = new MicrosoftGraphHook(config, now);
        break;
      case 'oidc-backchannel': {
        const key = await loadLogoutSigningKey(config);
        keys.push(key);
        target = new OidcBackchannelHook(config, key, config.issuer ?? options.issuer, now);
        break;
      }
    }
    hooks.set(config.name, { config, target });
  }
  return {
    hooks,
    jwks: hooksJwks(keys),
    close() {
      for (const hook of hooks.values()) hook.target.close();
    },
  };
}
