/**
 * The processes of this machine, as far as crossform needs them: its own identity, and whether a
 * process a journal names still runs. A pid alone is not an identity (pids are reused), so a
 * process is named by its pid and its start time.
 */

/** A process, named so that a reused pid is not mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  /**
   * When it started, as the process table says it (on Linux: the boot id and the start time in
   * clock ticks); undefined where the system does not tell.
   */
  started?: string;
}

/** Looks processes up. */
export interface ProcessTable {
  /** The identity of the running crossform process. */
  self(): Promise<ProcessIdentity>;
  /** The identity of a process by pid, or undefined when no such process runs. */
  identify(pid: number): Promise<ProcessIdentity | undefined>;
  /**
   * Whether the process still runs: its pid is alive and, when both start times are known, it is
   * the same process (same start time).
   */
  isRunning(process: ProcessIdentity): Promise<boolean>;
}
