import type { RelyingParty } from '../core/ports/webauthn.js';
import { ConfigError } from './config-error.js';
import type { UnlatchConfig } from './schema.js';

/**
 * The relying party from `webauthn` and `publicUrl`: unset `rpId` is the public URL's hostname, unset
 * `origins` its origin. Refuses an RP ID that is not the host, or a parent domain of the host, of every
 * origin: browsers would refuse every ceremony, so the server refuses to start instead.
 */
export function relyingPartyOf(config: UnlatchConfig): RelyingParty {
  const publicUrl = new URL(config.publicUrl ?? `http://${config.server.host}:${config.server.port}`);
  const origins = (config.webauthn.origins ?? [publicUrl.origin]).map((o) => new URL(o).origin);
  const id = config.webauthn.rpId ?? publicUrl.hostname;
  for (const origin of origins) {
    const host = new URL(origin).hostname;
    if (host !== id && !host.endsWith(`.${id}`)) {
      throw new ConfigError(`config: webauthn.rpId: "${id}" is neither the host of ${origin} nor a parent domain of it`);
    }
  }
  return { id, name: config.webauthn.rpName, origins: [...new Set(origins)], userVerification: config.webauthn.userVerification };
}
