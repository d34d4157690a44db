import type { EmailRegistration } from '../core/methods/email_code/email-registration.js';
import type { FastifyBaseLogger } from 'fastify';
import type { i18n } from 'i18next';
import type { Registry } from 'prom-client';
import type { UnlatchConfig } from '../config/schema.js';
import type { PasswordChange } from '../core/change/password-change.js';
import type { TenantCatalog } from '../core/ports/tenants.js';
import type { ResetFlow } from '../core/reset/reset-flow.js';
import type { MethodRegistration } from '../core/methods/method-registration.js';
import type { MethodTest } from '../core/methods/method-test.js';
import type { QuestionRegistration } from '../core/methods/questions/question-registration.js';
import type { TenantPolicy } from '../core/policy/method-policy.js';
import type { SignIn } from '../core/signin/sign-in.js';
import type { AdminServices } from './admin/console-services.js';
import type { DevOutboxReader } from '../core/ports/dev-outbox.js';
import type { PendingImports } from '../core/enrolment/contact-import-pending.js';
import type { HttpSample } from './metrics-hook.js';
import type { FraudServices } from '../core/fraud/fraud-services.js';
import type { IncidentService } from '../core/incident/incident-service.js';
import type { ProofOfWorkServices } from '../core/risk/proof-of-work-services.js';
import type { ReviewServices } from '../core/risk/review-services.js';

export type { CapturedMail, DevOutboxReader } from '../core/ports/dev-outbox.js';

/** A readiness probe: each check names a dependency and whether it answers. */
export type ReadinessCheck = () => Promise<Record<string, boolean>>;

/** Everything the HTTP layer may call. Handlers parse input, call one of these, render the result. */
export interface HttpDeps {
  config: UnlatchConfig;
  resetFlow: ResetFlow;
  passwordChange: PasswordChange;
  /** Sign-in to manage one's security info (password, then a registered method when there is one). */
  signIn: SignIn;
  /** Adding, confirming, removing methods of a signed-in person. */
  methodRegistration: MethodRegistration;
  /** Testing a signed-in person's registered methods (a code, a sent code, a passkey) without changing them. */
  methodTest: MethodTest;
  /** Extra email addresses of a signed-in person, confirmed by a mailed code. */
  emailRegistration: EmailRegistration;
  /** A signed-in person's imported contact data still waiting for their confirmation (`unlatch methods import` / `sync`). */
  pendingImports?: PendingImports;
  /** Registering a person's security questions (only where their policy allows them). */
  questionRegistration: QuestionRegistration;
  /** The method policy of a tenant (decides, e.g., whether a method may be removed). */
  policyFor: (tenantId: string) => TenantPolicy;
  tenants: TenantCatalog;
  /** Present only in dev mode. */
  devOutbox: DevOutboxReader | null;
  metricsRegistry: Registry;
  readiness: ReadinessCheck;
  /** True from the shutdown signal on: /readyz answers 503 `draining` while requests are still served. */
  draining?: () => boolean;
  i18n: i18n;
  /** A tenant's texts with its overrides (`i18n.overrides`); absent: every tenant reads `i18n`. */
  i18nFor?: (tenantId: string) => i18n;
  /** Signs cookies (flow handle, CSRF secret); derived from the key ring. */
  /** Cookie-signing secrets, newest first: cookies are signed with the first and any of them verifies (key rotation). */
  cookieSecrets: string[];
  logger: FastifyBaseLogger;
  /** The operator console and admin API; absent when `admin.enabled` is false. */
  admin?: AdminServices;
  /** "This wasn't me" reports, fraud labels and the friction rating (absent: those pages answer 404, the done pages ask nothing). */
  fraud?: FraudServices;
  /** Forced resets after an incident (the console's Incidents area; absent: it answers 404). */
  incidents?: IncidentService;
  /** Flows held for review (risk action `hold`): the person's waiting page and the console's Reviews area (absent: both 404). */
  reviews?: ReviewServices;
  /** The start's proof-of-work gate (ALTCHA, the no-JavaScript wait) and attack mode; absent: starts need none. */
  proofOfWork?: ProofOfWorkServices;
  /** Records each answered request's duration by route pattern (`unlatch_http_request_duration_seconds`). */
  observeHttp?: (sample: HttpSample) => void;
  /** Open a span per request (tracing is on: `OTEL_TRACES_EXPORTER`); off, no hook is added. */
  tracing?: boolean;
  /** The public keys of the back-channel logout hooks, served as JWKS; absent when there is no such hook. */
  hooksJwks?: { keys: object[] };
}

/** Which routes a listener serves: everything, the public side only (console on `admin.listen`), or the console only. */
export type Surface = 'all' | 'public' | 'admin';
