import { z } from 'zod';
import { HOOK_EVENTS, type HookRoute } from '../core/hooks/hook-events.js';

/** A hook's name: a metric label and part of its outbox keys, so short and fixed. */
const hookName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, "-" and "_" (up to 40)');

/** Outbound calls go over HTTPS only; a private CA is given with `caFile`, verification is never switched off. */
const httpsUrl = z.url({ protocol: /^https$/, error: 'an https:// URL' }).transform((url) => url.replace(/\/+$/, ''));

/** What every hook has: its name, the events and tenants it hears, the identifier it sends, its transport limits. */
const common = {
  name: hookName,
  /** The events the hook fires for (default: all of them). */
  events: z.array(z.enum(HOOK_EVENTS)).min(1).default([...HOOK_EVENTS]),
  /** Only these tenants' events (default: every tenant). */
  tenants: z.array(z.string().min(1)).min(1).optional(),
  /**
   * Which of the person's identifiers the hook sends: `username` (the directory's login name), `email` (its
   * primary address), `upn` (the username when it holds an `@`, else `username@upnSuffix`), or `id` (the
   * account's id in its directory).
   */
  subject: z.enum(['username', 'email', 'upn', 'id']).optional(),
  /** The domain added to a username without `@` for `subject: upn` (AD's UPN suffix). */
  upnSuffix: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/).optional(),
  /** PEM file of the CA that signed the target's certificate (default: the system's CAs). */
  caFile: z.string().min(1).optional(),
  /** Deadline of one call, connect to last byte (each request of a preset has its own). */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
};

/** One HMAC key of a webhook; the last listed signs, receivers accept all of them while keys rotate. */
const webhookKey = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), secret: z.string().min(32, 'at least 32 characters') }).strict();

/** A signed CloudEvent POSTed to any HTTPS receiver (the organisation's own automation). */
const webhookHook = z
  .object({
    type: z.literal('webhook'),
    ...common,
    url: httpsUrl,
    /** Signing keys, oldest first; the last one signs (`X-Unlatch-Signature`, as the audit webhook). */
    keys: z.array(webhookKey).min(1).max(5),
    /** Extra request headers (e.g. an `Authorization` the receiver wants). */
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(4096)).default({}),
  })
  .strict();

/** Keycloak's admin API: logs the user out of every session of the realm. */
const keycloakHook = z
  .object({
    type: z.literal('keycloak'),
    ...common,
    /** Keycloak's base URL (before `/realms` and `/admin`), e.g. `https://sso.example.org`. */
    baseUrl: httpsUrl,
    /** The realm whose users are logged out. */
    realm: z.string().min(1).max(255),
    /** The realm of the service-account client (default: `realm`). */
    clientRealm: z.string().min(1).max(255).optional(),
    clientId: z.string().min(1).max(255),
    clientSecret: z.string().min(1),
  })
  .strict();

/** Okta: clears the user's sessions (and, by default, the OAuth tokens Okta issued to them). */
const oktaHook = z
  .object({
    type: z.literal('okta'),
    ...common,
    /** The Okta org's URL, e.g. `https://example.okta.com`. */
    orgUrl: httpsUrl,
    /** An API token (`Authorization: SSWS …`) of an admin allowed to manage users' sessions. */
    apiToken: z.string().min(1),
    /** Also revoke the OAuth/OIDC tokens Okta issued to the user (`oauthTokens=true`). */
    revokeOAuthTokens: z.boolean().default(true),
  })
  .strict();

/** Microsoft Graph: `revokeSignInSessions` (invalidates the refresh tokens and session cookies Entra ID issued). */
const graphHook = z
  .object({
    type: z.literal('microsoft-graph'),
    ...common,
    /** The Entra tenant (its id or a verified domain). */
    tenant: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/),
    clientId: z.string().min(1).max(255),
    clientSecret: z.string().min(1),
    /** Where tokens come from (default: the public cloud's). */
    authorityUrl: httpsUrl.default('https://login.microsoftonline.com'),
    /** Where Graph answers (default: the public cloud's). */
    graphUrl: httpsUrl.default('https://graph.microsoft.com'),
    /** The token's scope: Graph's `.default` (another cloud's Graph has its own, e.g. `https://graph.microsoft.us/.default`). */
    scope: z.string().min(1).max(512).default('https://graph.microsoft.com/.default'),
  })
  .strict();

/** OpenID Connect Back-Channel Logout 1.0: a signed logout token POSTed to a relying party. */
const backchannelHook = z
  .object({
    type: z.literal('oidc-backchannel'),
    ...common,
    /** The relying party's `backchannel_logout_uri`. */
    url: httpsUrl,
    /** The logout token's `aud`: the relying party's client id. */
    audience: z.string().min(1).max(255),
    /** The logout token's `iss` (default: `publicUrl`). Must be the issuer the relying party trusts. */
    issuer: z.string().min(1).max(2048).optional(),
    /** The private signing key: a PEM (PKCS#8) or a JWK JSON file. Its public half is served as JWKS (docs/hooks.md). */
    signingKeyPath: z.string().min(1),
    /** The JWS algorithm (default RS256; ES256 for a P-256 key, EdDSA for an Ed25519 key). */
    alg: z.enum(['RS256', 'PS256', 'ES256', 'EdDSA']).default('RS256'),
    /** The key id (`kid`) in the token header and the JWKS (default: the key's RFC 7638 thumbprint). */
    keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
    /** Seconds a logout token is valid (`exp` − `iat`). */
    tokenLifetimeSeconds: z.number().int().min(30).max(3600).default(120),
  })
  .strict();

/** One post-reset hook. */
export const hookSchema = z.discriminatedUnion('type', [webhookHook, keycloakHook, oktaHook, graphHook, backchannelHook]);

/** `hooks`: any number of post-reset hooks, each delivered through the outbox (docs/hooks.md). */
export const hooksSchema = z
  .array(hookSchema)
  .max(32)
  .default([])
  .refine((hooks) => new Set(hooks.map((h) => h.name)).size === hooks.length, 'hook names must be unique')
  .superRefine((hooks, ctx) => {
    hooks.forEach((hook, index) => {
      if (hook.upnSuffix !== undefined && subjectOf(hook) !== 'upn') ctx.addIssue({ code: 'custom', message: 'upnSuffix is only for subject: upn', path: [index, 'upnSuffix'] });
    });
  });

export type HookConfig = z.infer<typeof hookSchema>;
export type WebhookHookConfig = z.infer<typeof webhookHook>;
export type KeycloakHookConfig = z.infer<typeof keycloakHook>;
export type OktaHookConfig = z.infer<typeof oktaHook>;
export type GraphHookConfig = z.infer<typeof graphHook>;
export type BackchannelHookConfig = z.infer<typeof backchannelHook>;
export type HookSubject = NonNullable<HookConfig['subject']>;

/** Each preset's usual identifier when `subject` is not given: what its API looks people up by. */
const DEFAULT_SUBJECT: Readonly<Record<HookConfig['type'], HookSubject>> = {
  webhook: 'username',
  keycloak: 'username',
  okta: 'email',
  'microsoft-graph': 'upn',
  'oidc-backchannel': 'username',
};

/** The identifier a hook sends. */
export function subjectOf(hook: Pick<HookConfig, 'type' | 'subject'>): HookSubject {
  return hook.subject ?? DEFAULT_SUBJECT[hook.type];
}

/** What the store needs to queue each hook's events (see `hookMessagesOf`). */
export function hookRoutesOf(hooks: readonly HookConfig[]): HookRoute[] {
  return hooks.map((hook) => ({ name: hook.name, preset: hook.type, events: hook.events, tenants: hook.tenants }));
}
