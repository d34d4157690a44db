import { z } from 'zod';
import type { EnrolmentSettings } from '../core/enrolment/enrolment-settings.js';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const days = (max: number) => z.number().int().min(1).max(max);

/** A calendar date (`2027-03-31`); the deadline is the start of that day, UTC. */
const deadline = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), 'not a real date');

const reminderFields = {
  /** Send enrolment reminders (default false). */
  enabled: z.boolean().optional(),
  /** Days after a person is first found without enough methods before the first reminder (default 0: at the first run). */
  firstAfterDays: z.number().int().min(0).max(365).optional(),
  /** Days between reminders (default 7). */
  everyDays: days(365).optional(),
  /** At most this many reminders before the deadline (default 4). */
  maxReminders: z.number().int().min(1).max(50).optional(),
  /** Days between reminders once the deadline has passed (default 2). */
  overdueEveryDays: days(365).optional(),
  /** At most this many reminders after the deadline (default 5). */
  maxOverdueReminders: z.number().int().min(0).max(50).optional(),
};

const DEFAULT_REMINDERS = { enabled: false, firstAfterDays: 0, everyDays: 7, maxReminders: 4, overdueEveryDays: 2, maxOverdueReminders: 5 } as const;

/** An allowed `returnTo` of `/enroll`: an origin (`https://intranet.example.org`) or an origin and a path prefix. */
const returnToEntry = z
  .url({ protocol: /^https?$/ })
  .refine((text) => {
    const url = new URL(text);
    return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  }, 'an origin, or an origin and a path prefix: no query, fragment or user info');

/**
 * Config key `enrolment`: getting everyone to register methods. Reminders by email on a schedule, a deadline
 * after which they come more often and the console marks people overdue, and the `/enroll` interrupt's
 * allowed return addresses. `tenants.<id>` overrides reminders and the deadline per tenant. See docs/enrolment.md.
 */
export const enrolmentSchema = z
  .object({
    reminders: z.object(reminderFields).strict().prefault({}),
    /** The date by which people should have registered (YYYY-MM-DD, UTC); unset: none. */
    registrationDeadline: deadline.optional(),
    /** Where `/enroll?returnTo=…` may send people back to: exact origins, or origin + path prefix. Anything else is refused. */
    returnToAllowlist: z.array(returnToEntry).max(100).default([]),
    /** Per tenant id: reminder settings and the deadline over the ones above (null: no deadline for this tenant). */
    tenants: z
      .record(z.string().regex(TENANT_ID), z.object({ reminders: z.object(reminderFields).strict().optional(), registrationDeadline: deadline.nullable().optional() }).strict())
      .default({}),
  })
  .strict()
  .prefault({});

/** The validated `enrolment` section. */
export type EnrolmentConfig = z.infer<typeof enrolmentSchema>;

/** The enrolment settings of one tenant: built-in defaults, then `enrolment`, then `enrolment.tenants.<id>`. */
export function enrolmentFor(config: EnrolmentConfig, tenantId: string): EnrolmentSettings {
  const tenant = Object.hasOwn(config.tenants, tenantId) ? config.tenants[tenantId] : undefined;
  const reminders = { ...DEFAULT_REMINDERS, ...definedOnly(config.reminders), ...definedOnly(tenant?.reminders ?? {}) };
  const date = tenant?.registrationDeadline !== undefined ? tenant.registrationDeadline : config.registrationDeadline ?? null;
  return { reminders, registrationDeadline: date ? new Date(`${date}T00:00:00Z`) : null };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
