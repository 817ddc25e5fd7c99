/**
 * What each signal a run receives means (docs/contract.md section 7). The first SIGINT, SIGTERM or
 * SIGHUP is the request to stop: no new unit starts and each running terraform gets one interrupt.
 * A SIGTERM or SIGHUP after it is the same request (CI systems send SIGINT, then SIGTERM, then
 * SIGKILL; a terminal that goes away sends SIGHUP, maybe more than once), never a second
 * interrupt. A second Ctrl-C (SIGINT) warns that a third kills; the third kills the running
 * terraform processes. After the kill nothing more happens. Pure: the CLI owns the timers.
 */

/** The signals a run handles. */
export type StopSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

/** What the run does on a signal. */
export type InterruptAction =
  /** The first request: stop starting units, interrupt each running child once, start the grace period. */
  | "interrupt"
  /** A repeat of the request that changes nothing (a SIGTERM after the first signal). */
  | "same-request"
  /** The second Ctrl-C: say that one more kills. */
  | "warn"
  /** The third Ctrl-C: kill the running children now. */
  | "kill"
  /** After a kill: nothing left to do. */
  | "none";

/** Counts the signals of one run. */
export class InterruptPolicy {
  private requested = false;
  private presses = 0;
  private killed = false;

  /** Whether the first request has come. */
  get interrupted(): boolean {
    return this.requested;
  }

  /** The action for one signal. */
  onSignal(signal: StopSignal): InterruptAction {
    if (this.killed) return "none";
    if (!this.requested) {
      // The request counts as the first press, whichever signal brought it.
      this.requested = true;
      this.presses = 1;
      return "interrupt";
    }
    if (signal !== "SIGINT") return "same-request";
    this.presses += 1;
    if (this.presses < 3) return "warn";
    this.killed = true;
    return "kill";
  }

  /** The grace period ran out (or another reason to kill): true when the kill is new. */
  onGraceExpired(): boolean {
    if (this.killed) return false;
    this.killed = true;
    return true;
  }
}

/**
 * The grace period: `run.grace_period` when crossform.yaml sets it, else 30 s, or 6 s under
 * `CI=true` (CI systems kill the job about 10 s after their first signal, and the lock list must be
 * printed before that).
 */
export function gracePeriodSeconds(configured: number | undefined, ci: boolean): number {
  if (configured !== undefined) return configured;
  return ci ? 6 : 30;
}
