/**
 * What the run commands (plan, apply, destroy, drift, output) need and return. The use case
 * reaches the world through these ports only; the CLI builds the adapters.
 */
import type { Diagnostic } from "../../core/errors.ts";
import type { ExitName } from "../../core/exit-codes.ts";
import type { ReplanExcess } from "../../core/run/replan-scope.ts";
import type { RunCommand, RunReport } from "../../core/report/run-report.ts";
import type { Shard } from "../../core/units/shard.ts";
import type { ExecRequest } from "../../core/run/exec-request.ts";
import type { Unit } from "../../core/units/units.ts";
import type { PassThrough } from "../../core/run/pass-through.ts";
import type { AwsSessions } from "../../ports/aws.ts";
import type { Clock } from "../../ports/clock.ts";
import type { EventSink } from "../../ports/event-sink.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { FileWriter } from "../../ports/file-writer.ts";
import type { GitStatus } from "../../ports/git.ts";
import type { HclParser } from "../../ports/hcl-parser.ts";
import type { JournalFiles } from "../../ports/journal.ts";
import type { ProcessTable } from "../../ports/process-table.ts";
import type { TerraformRunner } from "../../ports/terraform-runner.ts";

/** Asks the operator to confirm an apply or destroy, after showing the planned changes. */
export type ConfirmRun = (request: ConfirmRequest) => Promise<boolean>;

/** What the operator is asked to confirm. */
export interface ConfirmRequest {
  command: "apply" | "destroy";
  /** The plan phase's report: what would change. */
  plan: RunReport;
  /** Approval accounts among the units that would change: the operator types their names. */
  approvalAccounts: string[];
  /** Why the question is asked again (a re-plan after a dependency applied), when it is. */
  reason?: string;
  /**
   * Asked again for a unit planned again during the apply: exactly what its new plan does beyond
   * the approved one (docs/decisions/0029-one-approval-per-run.md).
   */
  excess?: ReplanExcess[];
}

/** Ports of the run commands. */
export interface RunDeps {
  fs: FileSystem;
  writer: FileWriter;
  parser: HclParser;
  aws: AwsSessions;
  runner: TerraformRunner;
  /** Whether the working tree is committed (apply refuses a dirty one without `--allow-dirty`). */
  git: GitStatus;
  clock: Clock;
  /** The run journal's append-only file (`NodeJournalFiles`). */
  journals: JournalFiles;
  /** The process table, to name the run's process and its children in the journal. */
  processes: ProcessTable;
  events?: EventSink;
  /** Waits before retries of transient init and plan failures. @default 2 s, then 8 s */
  retryDelaysMs?: readonly number[];
  /** How often `--wait` checks whether a crashed run's terraform still runs. @default 1000 */
  waitPollMs?: number;
  /** Interactive confirmation; absent when not interactive (flags decide then). */
  confirm?: ConfirmRun;
  /**
   * `crossform exec`: the typed confirmation of a state-changing command; absent when not
   * interactive (`--approve` decides then).
   */
  confirmExec?: ConfirmExec;
  /** `crossform exec`: hears each unit's terraform output (redacted), as it comes. */
  execOutput?: ExecOutput;
}

/** Where `crossform exec` hands the units' terraform output, as it comes; must not throw. */
export interface ExecOutput {
  /** The units the command runs in, in order, before any of them starts. */
  begin(units: readonly Pick<Unit, "id" | "account">[]): void;
  /** One line of a unit's output (stdout and stderr, as the log has them), redacted. */
  line(unitId: string, text: string): void;
  /** A unit's command ended: `exit 0`, `exit 1`, `failed` (it did not run). */
  end(unitId: string, how: string): void;
}

/** Asks the operator to confirm a state-changing `crossform exec` before any unit runs it. */
export type ConfirmExec = (request: ConfirmExecRequest) => Promise<boolean>;

/** What the operator is asked to confirm. */
export interface ConfirmExecRequest {
  /** The terraform command as the records show it (`state rm aws_s3_bucket.old`). */
  command: string[];
  /** The units it runs in, in the order it runs them. */
  units: string[];
  /** Every account those units touch. */
  accounts: string[];
}

/** What the operator asked for. */
export interface RunOptions {
  command: RunCommand;
  /** Positional stack names. */
  stacks: string[];
  /** `--target` selectors. */
  targets: string[];
  /** `--all`. */
  all: boolean;
  /** `--parallel`; default `run.parallel`. */
  parallel?: number;
  /** `--lock-timeout` in seconds; default `run.lock_timeout`. */
  lockTimeoutSeconds?: number;
  /** `--detailed-exitcode`: 0 no changes, 1 errors, 2 changes. */
  detailedExitcode: boolean;
  /** `--auto-approve`: apply without asking (never covers approval accounts). */
  autoApprove: boolean;
  /** `--approve`: approval accounts the operator approves. */
  approve: string[];
  /**
   * `--allow-destroy`: required by destroy; lifts the per-unit destroy caps of `guards` for apply.
   */
  allowDestroy: boolean;
  /** `--allow-dirty`: apply with uncommitted changes in the working tree, or outside git. */
  allowDirty?: boolean;
  /**
   * `CROSSFORM_ROLE_ALLOWLIST`: an absolute file path outside the repository, or
   * `s3://bucket/key` (read as the base identity); units assuming a role it does not allow are
   * refused in preflight.
   */
  roleAllowlist?: string;
  /** `--changed-since REF`: only the selected units whose inputs changed since that git ref. */
  changedSince?: string;
  /**
   * `--wave k`: only the selected units of that wave (its 1-based position or its name); counts
   * as a selection for apply and destroy.
   */
  wave?: string;
  /** `--shard i/n`: only the selected units of that shard (docs/contract.md section 9). */
  shard?: Shard;
  /** `--max-units`: the unit cap of this apply or destroy; default `guards.max_units`. */
  maxUnits?: number;
  /** `apply --run <id>`: apply the saved plans of that run. */
  fromRun?: string;
  /**
   * The flags after `--` of plan, apply and destroy (`core/run/pass-through.ts`): every plan of
   * the run gets them, and `apply --run` applies only plans made with the same.
   */
  passThrough?: PassThrough;
  /**
   * `plan --store-plans`: each unit's saved plan with changes is stored beside its state, bound to
   * the digest of the unit's inputs, for `apply --reviewed-plans` (docs/ci.md).
   */
  storePlans?: boolean;
  /**
   * `apply --reviewed-plans`: each unit applies the plan stored for its inputs at this commit when
   * it still holds (same inputs, same state serial, same flags), else plans again and needs
   * approval again (never covered by `--auto-approve`) unless the new plan has no changes.
   */
  reviewedPlans?: boolean;
  /** `crossform exec`: the terraform command after `--` (`core/run/exec-request.ts`). */
  exec?: ExecRequest;
  /**
   * Whether the operator's terminal is attached (stdin, stdout and stderr are terminals, not CI):
   * `crossform exec` of an interactive subcommand needs it. @default false
   */
  terminal?: boolean;
  /**
   * `--wait`: a selected unit on which a terraform of a crashed run still runs is waited for
   * (until that terraform ends) instead of refused.
   */
  wait?: boolean;
  /**
   * The operator's environment (the CLI passes `process.env`): the `TF_VAR_*` values terraform
   * reads, to redact those of sensitive variables. @default {}
   */
  environment?: Readonly<Record<string, string | undefined>>;
  /** The operator's name, for `{user}` in session names and the report. */
  user: string;
  /** Cancellation (Ctrl-C): no new unit starts, running children are interrupted. */
  signal?: AbortSignal;
  /**
   * The kill (the third Ctrl-C, or the end of the grace period): running children are killed, and
   * the run reports the state locks they may hold.
   */
  kill?: AbortSignal;
}

/** The outcome of a run command. */
export interface RunResult {
  /** The report, when the run got as far as running units. */
  report: RunReport | undefined;
  /** Where its record was written (absolute). */
  recordDir: string | undefined;
  /** Problems that stopped the run before any unit ran (or warnings alongside a report). */
  diagnostics: Diagnostic[];
  /** How it ended, by name: `exitCodeOf(exit)` is the process's exit code (docs/cli.md). */
  exit: ExitName;
  /** `crossform exec`: each unit's terraform output (redacted tails), by unit id, for those that ran. */
  outputs?: ReadonlyMap<string, { stdout: string; stderr: string }>;
}
