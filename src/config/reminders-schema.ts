import { z } from 'zod';

/**
 * Config key `reminders`: the reminder job (enrolment reminders, see `enrolment.reminders`, and password expiry
 * reminders). Every node checks every `checkEveryMinutes`; one runs each round (claimed in the store), and
 * each reminder is recorded once, so none goes out twice. `unlatch reminders run` runs it from cron. See docs/enrolment.md.
 */
export const remindersSchema = z
  .object({
    /** Run the job inside the server process (default true); false leaves it to `unlatch reminders run`. */
    inProcess: z.boolean().default(true),
    /** How often the in-process job runs (minutes, default 60). */
    checkEveryMinutes: z.number().int().min(1).max(1440).default(60),
    expiry: z
      .object({
        /** Mail people whose password expires soon (default false). */
        enabled: z.boolean().default(false),
        /** Days before expiry at which a reminder goes out, each once per password (default 14, 7, 1). */
        thresholdsDays: z
          .array(z.number().int().min(1).max(365))
          .min(1)
          .max(10)
          .refine((list) => new Set(list).size === list.length, 'each threshold once')
          .default([14, 7, 1]),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** The validated `reminders` section. */
export type RemindersConfig = z.infer<typeof remindersSchema>;
