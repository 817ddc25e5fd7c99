/**
 * How a task of a run ended: what the task itself reports (succeeded, failed, blocked,
 * interrupted), and what the scheduler decides for tasks it never started (skipped, not-started).
 */

/** The task ran to the end. */
export interface SucceededOutcome {
  status: "succeeded";
  /** Whether it found (plan, drift) or made (apply, destroy) changes. */
  changes: boolean;
}

/** The task ran and failed. */
export interface FailedOutcome {
  status: "failed";
  /** What went wrong, one line or Terraform's error text. */
  error: string;
}

/**
 * The task could not run for a reason that is not a failure, e.g. `network/dev/us-east-1 has no
 * state yet`: counted as changes pending; its dependents are skipped.
 */
export interface BlockedOutcome {
  status: "blocked";
  reason: string;
}

/** The task was running when the run was cancelled and did not finish its work. */
export interface InterruptedOutcome {
  status: "interrupted";
  reason: string;
}

/** The scheduler did not start the task because a dependency failed, was blocked or skipped. */
export interface SkippedOutcome {
  status: "skipped";
  reason: string;
  /** The dependency that caused it. */
  dependency: string;
}

/** The scheduler did not start the task: the run was cancelled or its wave (or an earlier one) halted. */
export interface NotStartedOutcome {
  status: "not-started";
  reason: string;
}

/** What a task's `execute` returns. */
export type ExecuteOutcome =
  SucceededOutcome | FailedOutcome | BlockedOutcome | { status: "interrupted"; reason?: string };

/** The final outcome of every task of a run. */
export type TaskOutcome =
  | SucceededOutcome
  | FailedOutcome
  | BlockedOutcome
  | InterruptedOutcome
  | SkippedOutcome
  | NotStartedOutcome;

/** Every status a task can end with. */
export type TaskOutcomeStatus = TaskOutcome["status"];
