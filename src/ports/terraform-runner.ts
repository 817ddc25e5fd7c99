/**
 * The one way use cases reach terraform (or tofu): prepare a unit's own working and data
 * directories (docs/contract.md section 4), then start commands in them with the environment of
 * docs/contract.md section 5, their output redacted into the unit's log. Each command runs in a
 * session and process group of its own, through a relay that outlives crossform
 * (docs/decisions/0027-terraform-outlives-crossform.md): a crossform that is killed, runs out of
 * memory or loses its terminal never takes a running terraform with it.
 *
 * Build the argv with `core/run/terraform-args.ts`; the runner adds nothing to it.
 */
import type { TerraformVersionInfo } from "../core/run/terraform-version-check.ts";

/** Which unit to prepare, and where its files are. */
export interface UnitWorkspaceSpec {
  /** `stack/account/region`. */
  unitId: string;
  /** Stack name: the first path segment of the unit's directories. */
  stack: string;
  account: string;
  region: string;
  /** The stack's directory relative to the config directory (`Stack.path`). */
  stackPath: string;
  /** Stem of the unit's files: `backends/<stem>.s3.tfbackend`, `targets/<stem>.tfvars.json`. */
  fileStem: string;
  /**
   * The root of a checkout of the commit the run runs (an apply): the unit's files are read there,
   * at the stack's place relative to the repository root, instead of the working tree.
   * @default undefined: the working tree
   */
  sourceRoot?: string;
}

/** A unit's prepared directories; every path is absolute. */
export interface UnitWorkspace {
  unitId: string;
  /**
   * `.crossform/units/<stack>/<account>/<region>/work`: the mirror of the repository root, each
   * top-level entry a symbolic link, the directories down to the stack real.
   */
  workRoot: string;
  /**
   * The stack's directory inside the mirror: terraform's current directory, a real directory whose
   * entries link to the stack's files. `errored.tfstate` lands here, never in the user's tree.
   */
  stackDir: string;
  /**
   * The stack's directory in the tree the unit runs: the user's working tree, or the checkout of the
   * commit an apply runs (`UnitWorkspaceSpec.sourceRoot`).
   */
  realStackDir: string;
  /** `.crossform/units/<stack>/<account>/<region>/data`: the unit's `TF_DATA_DIR`. */
  dataDir: string;
  /** The unit's backend file (in the tree the unit runs), for `-backend-config`. */
  backendFile: string;
  /** The unit's variables file (in the tree the unit runs), for `-var-file`. */
  varFile: string;
  /** Where Terraform writes the state it failed to save: `<stackDir>/errored.tfstate`. */
  erroredStateFile: string;
  /** Whether the stack has a `.terraform.lock.hcl` (linked into `stackDir` when it has). */
  hasLockFile: boolean;
  /**
   * Set when the data directory was deleted because it had been initialised for another backend:
   * the reason, for the unit's log. Undefined when it was kept or new.
   */
  dataDirRebuilt: string | undefined;
}

/** Where a unit's directories are, prepared or not (every path absolute). */
export type UnitLocation = Pick<
  UnitWorkspace,
  "unitId" | "workRoot" | "stackDir" | "dataDir" | "erroredStateFile"
>;

/**
 * How a command ended that no crossform waited for (crossform died while it ran): what its relay
 * wrote next to its log when terraform exited.
 */
export interface EndedCommand {
  exitCode: number | null;
  signal: string | null;
  /** ISO 8601. */
  endedAt: string;
  /** The stop signal its process group received, if any. */
  interruptedBy?: string;
}

/** Which stack to prepare a scratch copy of, for `crossform validate --terraform`. */
export interface StackWorkspaceSpec {
  /** Stack name: the directory under `.crossform/validate/`. */
  stack: string;
  /** The stack's directory relative to the config directory (`Stack.path`). */
  stackPath: string;
}

/**
 * A stack's scratch directories for `terraform validate`: `.crossform/validate/<stack>/work` (a
 * mirror of the repository root like a unit's, so that nothing terraform writes lands in the
 * user's tree) and `.../data` (its `TF_DATA_DIR`); every path is absolute.
 */
export interface StackWorkspace {
  stack: string;
  /** The mirror of the repository root. */
  workRoot: string;
  /** The stack's directory inside the mirror: terraform's current directory. */
  stackDir: string;
  /** The stack's directory in the user's tree. */
  realStackDir: string;
  /** The repository root the mirror reproduces. */
  repositoryRoot: string;
  /** `.crossform/validate/<stack>/data`: the `TF_DATA_DIR`. */
  dataDir: string;
  /** `.crossform/validate/<stack>/log`, emptied by each preparation. */
  logFile: string;
  /**
   * Whether the stack has a `.terraform.lock.hcl` (linked into `stackDir`, used read-only). When
   * it has none, a lock file an earlier init wrote into the mirror is removed, so that every
   * validate selects providers afresh.
   */
  hasLockFile: boolean;
}

/** Where a command's standard output goes. */
export type StdoutTarget =
  /** Into the unit's log (redacted) and to `onLine`; its tail in the result. */
  | "log"
  /**
   * Kept whole and unredacted in the result's `stdout`, not logged: `output -json`, `show -json`.
   * It passes through a 0600 file next to the log, removed once read.
   */
  | "capture"
  /**
   * Streamed unredacted to this file (created 0600, replaced), not logged, not held in memory:
   * `show -json`, which can be large and holds sensitive values. Delete it once read.
   */
  | { file: string };

/** One line the unit's log gained while a command ran (its output, already redacted). */
export interface OutputLine {
  text: string;
  /**
   * Whether the line is crossform's own note in the log (the command and its directory, its exit,
   * a stop sent) rather than terraform's output. @default false
   */
  note?: boolean;
}

/** A record file a command's output could not be written to: the command ran all the same. */
export interface RecordWriteProblem {
  path: string;
  /** The system's error code (`ENOSPC`, `EROFS`, ...), when known. */
  code?: string;
  message: string;
}

/** A terraform command to start. */
export interface TerraformCommand {
  /** Arguments after the binary, from `core/run/terraform-args.ts`. */
  args: readonly string[];
  /** Current directory: a workspace's `stackDir` (or the real stack directory for `lockFileInitArgs`). */
  cwd: string;
  /** Absolute `TF_DATA_DIR`: a workspace's `dataDir`. */
  dataDir: string;
  /**
   * The unit's log, appended to (created 0600, its directory 0700): a header with the command, every
   * output line redacted, a footer with the exit status.
   */
  logFile: string;
  /** @default "log" */
  stdout?: StdoutTarget;
  /**
   * Called with each line the log gains while the command runs (crossform follows the file, a few
   * times a second); must not throw.
   */
  onLine?: (line: OutputLine) => void;
  /**
   * Awaited once the command's process group exists (its pid known) and before terraform starts:
   * the run journals the process there, so that no terraform runs that its journal does not name.
   * A rejection does not stop the command.
   */
  beforeStart?: (pid: number) => Promise<void>;
  /**
   * Extra values to redact in everything that command's output produces (its log, its lines, the
   * tails in its result), besides the credentials the runner redacts anyway: the values of the
   * unit's sensitive variables and outputs. Values shorter than `MIN_SECRET_LENGTH`
   * (core/run/redact.ts) cannot be redacted by value and are ignored. @default []
   */
  redact?: readonly string[];
}

/** How a command ended. */
export interface TerraformResult {
  /** Exit code; null when it ended by a signal. */
  exitCode: number | null;
  /** The signal that ended it (`SIGKILL`), or null. */
  signal: string | null;
  /**
   * stdout: with `"log"` its redacted tail (at most 1 MiB), with `"capture"` all of it unredacted,
   * with a file `""`.
   */
  stdout: string;
  /** stderr, redacted, its tail (at most 1 MiB). */
  stderr: string;
  /** Bytes terraform wrote to stdout. */
  stdoutBytes: number;
  /** Whether {@link TerraformProcess.interrupt} sent its signal before the command ended. */
  interrupted: boolean;
  /** Wall time from start to exit, in milliseconds. */
  durationMs: number;
  /**
   * Record files that could not be written (the log on a full or read-only disk): the command ran,
   * its record is incomplete. Empty when everything was written.
   */
  writeProblems: readonly RecordWriteProblem[];
}

/**
 * A command attached to the operator's terminal (`crossform exec -- console`): terraform reads
 * and writes the terminal itself, in crossform's process group (so that it can read the terminal
 * and gets the terminal's Ctrl-C directly); its output is not logged, since nothing passes through
 * crossform.
 */
export interface AttachedCommand {
  args: readonly string[];
  cwd: string;
  /** Absolute `TF_DATA_DIR`: a workspace's `dataDir`. */
  dataDir: string;
  /** The unit's log: the command, its directory and its exit are noted there, not its output. */
  logFile: string;
  /** Called with terraform's pid once it started (not awaited: it runs already). */
  onStart?: (pid: number) => void;
  /** Aborting it sends SIGTERM to terraform, once (a terminal's Ctrl-C reaches terraform itself). */
  signal?: AbortSignal;
}

/** How an attached command ended. */
export interface AttachedResult {
  /** Exit code; null when it ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** Whether {@link AttachedCommand.signal} stopped it. */
  interrupted: boolean;
  durationMs: number;
}

/** A started command: its process group can be interrupted once, or killed. */
export interface TerraformProcess {
  /**
   * Process id of the leader of the command's session and process group (its relay, which lives
   * exactly as long as terraform does): what the run journal records, and what a later run checks
   * to tell whether the command still runs. Undefined until it has started (it is started by
   * crossform's process spawner; `TerraformCommand.beforeStart` is called with it), and when it
   * could not start.
   */
  readonly pid: number | undefined;
  /**
   * Sends one graceful stop (SIGINT unless told otherwise) to the whole process group: Terraform
   * then finishes writing state and releases its lock. Only the first call sends; later calls and
   * calls after the command ended return false.
   */
  interrupt(signal?: "SIGINT" | "SIGTERM"): boolean;
  /** Sends SIGKILL to the whole process group; false when the command had already ended. */
  kill(): boolean;
  /**
   * Settles when the command has exited, its output is drained and its files are flushed.
   * Rejects only when it could not start (`terraform/not-found`, `terraform/spawn-failed`).
   */
  readonly result: Promise<TerraformResult>;
}

/** Runs terraform for units. */
export interface TerraformRunner {
  /** The configured binary's flavor and version (one `<binary> version`, cached). */
  version(): Promise<TerraformVersionInfo>;
  /**
   * Creates or refreshes a unit's working directory and data directory. Idempotent: links follow
   * files added to or removed from the user's tree; files terraform wrote (`errored.tfstate`) stay.
   */
  prepareUnit(spec: UnitWorkspaceSpec): Promise<UnitWorkspace>;
  /** Where a unit's directories are, without creating or changing anything. */
  locateUnit(spec: UnitWorkspaceSpec): Promise<UnitLocation>;
  /**
   * How the last command that logged into `logFile` ended when no crossform read its end (its
   * status is still next to the log); undefined when it did not end, or was read.
   */
  endedCommand(logFile: string): Promise<EndedCommand | undefined>;
  /** Creates or refreshes a stack's scratch directories for `terraform validate`. */
  prepareStack(spec: StackWorkspaceSpec): Promise<StackWorkspace>;
  /** Starts a command (argv only, never a shell) in its own session and process group. */
  start(command: TerraformCommand): TerraformProcess;
  /**
   * Appends one line of crossform's own to a unit's log (`# <time> <text>`), for a step that ran
   * no command (an init skipped). A log that cannot be written is left alone.
   */
  annotate(logFile: string, text: string): void;
  /**
   * Runs a command attached to the operator's terminal until it ends (argv only); rejects only when
   * it could not start (`terraform/not-found`, `terraform/spawn-failed`).
   */
  attach(command: AttachedCommand): Promise<AttachedResult>;
}
