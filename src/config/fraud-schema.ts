import { z } from 'zod';

/** `security`: who hears of a "this wasn't me" report. See docs/fraud-reports.md. */
export const securitySchema = z
  .object({
    /**
     * Mailboxes alerted when a person confirms a "this wasn't me" link (the security team, the helpdesk lead).
     * Empty: no alert mail; the report is still audited (`fraud.reported`) and shown in the console's Fraud area.
     */
    alertEmails: z.array(z.email()).max(20).default([]),
  })
  .strict()
  .prefault({});

/** `portal`: optional parts of the people's pages. */
export const portalSchema = z
  .object({
    /** The anonymous "How easy was this?" question (1–5) on the reset and change done pages (SLI M8). */
    frictionRating: z.boolean().default(true),
  })
  .strict()
  .prefault({});
