/**
 * The registry of progress event codes: every code a use case may put on an event, with what it
 * means. Codes are stable (tests and tools match on them, never on message text); texts may change.
 */
export const EVENT_CODES = {
  "verify.base-started": "the base identity is being resolved",
  "verify.base-finished": "the base identity was resolved (or not)",
  "verify.session-lifetime": "the base session expires before the expected end of the run",
  "verify.account-started": "an account is being verified",
  "verify.account-finished": "an account's verification ended",
  "bootstrap.account-started": "an account is being bootstrapped",
  "bootstrap.account-finished": "an account's bootstrap ended",
  "bootstrap.resource": "a bootstrap resource was created, updated, left unchanged or failed",
  "run.changed-since": "--changed-since narrowed the selection",
  "run.lock-file-missing": "a stack has no .terraform.lock.hcl: one init writes it",
  "run.lock-file-written": "crossform wrote a stack's .terraform.lock.hcl (to review and commit)",
  "run.wave-started": "a wave of a run phase began",
  "run.wave-halted":
    "a wave halted: its failed accounts exceeded its tolerance; later waves do not start",
  "run.unit-started": "a unit's step began",
  "run.unit-finished": "a unit's step ended",
  "run.unit-skipped": "a unit was skipped: a dependency failed, was blocked or was skipped",
  "run.unit-not-started": "a unit was not started: the run was cancelled or its wave halted",
  "run.replan-within-approval":
    "a unit planned again during an apply stays within the approved plan: no new approval needed",
  "run.retry": "a transient failure of init or plan is retried",
  "run.cancel-requested":
    "a stop was requested: no new unit starts, running terraform was interrupted",
  "run.provisional-summary": "what was running when the stop was requested",
  "run.record-write-failed": "a file of the run record could not be written; the run goes on",
  "run.lock-released": "a killed (or gone) terraform's state lock was found released",
  "adopt.unit": "crossform adopt finished one unit: its outcome",
  "run.waiting-for-crashed-run":
    "--wait: a terraform of a crashed run still runs on a selected unit; the run waits for it",
  "run.environment-ignored":
    "variables of the operator's environment that the terraform processes will not see",
  "aws.waiting": "an AWS call has had no answer for a while: which endpoint, and for how long",
} as const;

/** A registered event code. */
export type EventCode = keyof typeof EVENT_CODES;
