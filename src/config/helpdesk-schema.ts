import { z } from 'zod';

/** One limit window: `points` checks per `durationSeconds` per key. */
const window = (points: number, durationSeconds: number) =>
  z
    .object({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() })
    .strict()
    .default({ points, durationSeconds });

/**
 * Config key `helpdesk`: the console's helpdesk (verify a caller, then unlock, a temporary access pass, a
 * one-time password, removing lost methods; two operators for protected people). See docs/helpdesk.md.
 */
export const helpdeskSchema = z
  .object({
    /** How long a passed check of a caller lets that agent act for that person and ticket (minutes, default 15). */
    checkValidMinutes: z.number().int().min(1).max(120).default(15),
    /** How long a code sent to a caller's phone or address can be read back (minutes, default 10; SECURITY.md: at most 10). */
    codeTtlMinutes: z.number().int().min(1).max(10).default(10),
    /** Wrong codes one check survives (default 3); then the agent starts another check, which counts against the limits. */
    maxCodeAttempts: z.number().int().min(1).max(10).default(3),
    /**
     * Checks started and codes answered, per agent and per person (counted in the `rateLimits.store`, so every
     * node sees them). Defaults: 30 per hour per agent, 10 per hour per person.
     */
    limits: z
      .object({ perAgent: window(30, 3600), perPerson: window(10, 3600) })
      .strict()
      .prefault({}),
    accessPass: z
      .object({
        /** A new pass's lifetime unless the agent picks another (minutes, 10–1440, default 60). */
        defaultMinutes: z.number().int().min(10).max(1440).default(60),
        /** The longest lifetime an agent may pick (minutes, 10–1440, default 1440 = 24 h). */
        maxMinutes: z.number().int().min(10).max(1440).default(1440),
        /** How many uses an agent may give one pass (default 1: single use). */
        maxUses: z.number().int().min(1).max(10).default(1),
      })
      .strict()
      .refine((p) => p.defaultMinutes <= p.maxMinutes, { message: 'defaultMinutes must not exceed maxMinutes', path: ['defaultMinutes'] })
      .prefault({}),
    /**
     * Groups whose members need a second operator (the `admin` role) to approve every helpdesk action on them.
     * Unset: the tenant policy's `excludedGroups` (the people self-service is off for are the privileged ones).
     */
    protectedGroups: z.array(z.string().min(1).max(256)).max(200).optional(),
    /** How long a request waits for approval, and an approved one for its action (minutes, default 30). */
    approvalMinutes: z.number().int().min(1).max(1440).default(30),
  })
  .strict()
  .prefault({});

/** The validated `helpdesk` section. */
export type HelpdeskConfig = z.infer<typeof helpdeskSchema>;
