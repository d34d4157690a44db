/** How enrolment reminders are scheduled for one tenant (config `enrolment.reminders`, see docs/enrolment.md). */
export interface EnrolmentReminderSettings {
  /** Send reminders at all. */
  enabled: boolean;
  /** Days after a person is first found without enough methods before the first reminder (0: at once). */
  firstAfterDays: number;
  /** Days between two reminders before the deadline. */
  everyDays: number;
  /** Reminders at most before the deadline. */
  maxReminders: number;
  /** Days between two reminders once the registration deadline has passed (more often than `everyDays`). */
  overdueEveryDays: number;
  /** Reminders at most after the deadline. */
  maxOverdueReminders: number;
}

/** One tenant's enrolment settings, resolved from `enrolment` and `enrolment.tenants.<id>`. */
export interface EnrolmentSettings {
  reminders: EnrolmentReminderSettings;
  /** From this moment on, people still without enough methods are overdue; null: no deadline. */
  registrationDeadline: Date | null;
}
