import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { GitCliStatus } from "../../adapters/git/git-cli-status.ts";
import { SpawnTerraformRunner } from "../../adapters/terraform/spawn-terraform-runner.ts";
import { NodeJournalFiles } from "../../adapters/fs/append-journal.ts";
import { AtomicFileWriter } from "../../adapters/fs/atomic-write.ts";
import { pruneRuns } from "../../app/run/prune-runs.ts";
import { NodeProcessTable } from "../../adapters/system/node-process-table.ts";
import { SystemClock } from "../../adapters/system/system-clock.ts";
import { TerminalPrompter } from "../../adapters/terminal/terminal-prompter.ts";
import { createProgressView } from "../../adapters/terminal/progress-view.ts";
import { loadConfig } from "../../app/load-config.ts";
import { runCommand } from "../../app/run/run-command.ts";
import { pluginCacheDirOf } from "../../app/run/run-records.ts";
import type { ConfirmRequest, RunOptions } from "../../app/run/run-types.ts";
import { durationSeconds } from "../../core/config/durations.ts";
import { gracePeriodSeconds, InterruptPolicy } from "../../core/run/interrupt-policy.ts";
import type { StopSignal } from "../../core/run/interrupt-policy.ts";
import type { RunCommand, RunReport } from "../../core/report/run-report.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import {
  formatRunReport,
  RECORD_REPORT_FILES,
  runReportFormatOfFile,
} from "../../formatters/run-report-formats.ts";
import { formatReplanExcess } from "../../formatters/replan-excess.ts";
import { formatRunSummary } from "../../formatters/run-summary.ts";
import { heldView } from "../held-view.ts";
import type { HeldView } from "../held-view.ts";
import type { Adapters } from "../context.ts";
import type { Prompter } from "../../ports/prompter.ts";
import {
  awsBaseOf,
  buildAdapters,
  configLocation,
  currentUser,
  formatOf,
  usageError,
  withCommonOptions,
} from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import { exitCodeOf } from "../../core/exit-codes.ts";
import type { Diagnostic } from "../../core/errors.ts";
import { recordWriteWarning } from "../../app/run/run-ledger.ts";
import type { CliIo } from "../run-cli.ts";
import { shardFlag } from "../shard-flag.ts";
import type { RegisterCommand } from "./index.ts";

interface RunFlags extends CommonOptions {
  target?: string[];
  all?: boolean;
  parallel?: string;
  lockTimeout?: string;
  detailedExitcode?: boolean;
  report?: string[];
  autoApprove?: boolean;
  approve?: string[];
  allowDestroy?: boolean;
  allowDirty?: boolean;
  maxUnits?: string;
  changedSince?: string;
  wave?: string;
  shard?: string;
  run?: string;
  debug?: boolean;
  wait?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== ""),
];

/** The signals that ask a run to stop (docs/commands/run.md, "Interrupting"). */
const STOP_SIGNALS: readonly StopSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

const DESCRIPTIONS: Record<RunCommand, string> = {
  plan: "plan the selected units (one window across the waves) and summarize the changes",
  apply: "plan, show one cross-account summary, confirm, then apply wave by wave",
  destroy: "destroy the selected units' resources (dependents first); needs --allow-destroy",
  drift: "report drift (plan -refresh-only) of the selected units; never applies",
  output: "print the outputs of the selected units (sensitive values redacted)",
};

/** Refuses, before anything runs, a `--report` file whose format cannot be told from its name. */
export function checkReportFile(file: string): void {
  if (runReportFormatOfFile(file) === undefined) {
    usageError(
      `--report ${file}: the format is taken from the extension`,
      "name the file .md (Markdown), .json or .html (one self-contained page)",
    );
  }
}

function interactive(io: CliIo): boolean {
  return (
    io.stdin?.isTTY === true &&
    (io.stderr as { isTTY?: boolean }).isTTY === true &&
    io.env.CI !== "true"
  );
}

/**
 * Interactive confirmation: the summary (or, asked again for a re-planned unit, exactly what its
 * new plan does beyond the approved one), then `yes`, or the approval accounts' names typed. The
 * progress view holds its events while the question is open; questions come one at a time.
 */
function confirmer(io: CliIo, prompter: TerminalPrompter, view: HeldView) {
  const ask = async (request: ConfirmRequest): Promise<boolean> => {
    const shown = request.excess
      ? `${request.reason ?? ""}:\n${formatReplanExcess(request.excess)}`
      : `${request.reason ? `${request.reason}\n` : ""}${formatRunSummary(request.plan)}`;
    io.stderr.write(`\n${shown}\n`);
    if (request.approvalAccounts.length > 0) {
      const wanted = [...request.approvalAccounts].sort();
      const answer = await prompter.ask(
        `${request.command} touches approval account${wanted.length > 1 ? "s" : ""} ${wanted.join(", ")}: type ${wanted.length > 1 ? "their names, separated by commas," : "its name"} to confirm: `,
      );
      const typed = (answer ?? "")
        .split(",")
        .map((a) => a.trim())
        .filter((a) => a !== "")
        .sort();
      return typed.join(",") === wanted.join(",");
    }
    const answer = await prompter.ask(`${request.command} these changes? type yes to confirm: `);
    return answer?.trim() === "yes";
  };
  return (request: ConfirmRequest): Promise<boolean> => view.holding(() => ask(request));
}

async function execute(
  command: RunCommand,
  stacks: string[],
  flags: RunFlags,
  io: CliIo,
  adapters: Adapters,
): Promise<number> {
  const location = configLocation(flags, io);
  const loaded = await loadConfig(adapters.fs, location);
  if (!loaded.ok) {
    io.stderr.write(formatDiagnostics(loaded.diagnostics));
    return ExitCode.BadInput;
  }
  const { config } = loaded;
  const parallel = flags.parallel === undefined ? undefined : Number(flags.parallel);
  if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1 || parallel > 256)) {
    usageError(`--parallel ${flags.parallel} is not a whole number from 1 to 256`);
  }
  let lockTimeoutSeconds: number | undefined;
  if (flags.lockTimeout !== undefined) {
    if (!/^\d+(ms|s|m|h)$/.test(flags.lockTimeout))
      usageError(`--lock-timeout ${flags.lockTimeout} is not a duration`, "write e.g. 30s, 5m");
    lockTimeoutSeconds = durationSeconds(flags.lockTimeout);
  }
  for (const file of flags.report ?? []) checkReportFile(file);
  const shard = shardFlag(flags.shard);
  const maxUnits = flags.maxUnits === undefined ? undefined : Number(flags.maxUnits);
  if (maxUnits !== undefined && (!Number.isInteger(maxUnits) || maxUnits < 1)) {
    usageError(`--max-units ${flags.maxUnits} is not a whole number of 1 or more`);
  }

  // Signals (docs/contract.md section 7): one request to stop, a grace period, then a kill.
  const controller = new AbortController();
  const kill = new AbortController();
  const policy = new InterruptPolicy();
  const grace = gracePeriodSeconds(config.run.gracePeriodSeconds, io.env.CI === "true");
  let graceTimer: NodeJS.Timeout | undefined;
  const killNow = (why: string): void => {
    io.stderr.write(`\n${why}: killing the running terraform processes\n`);
    kill.abort();
  };
  const onSignal = (signal: StopSignal): void => {
    switch (policy.onSignal(signal)) {
      case "interrupt":
        io.stderr.write(
          `\n${signal} received${signal === "SIGHUP" ? " (the terminal went away)" : ""}: no new unit starts; each running terraform was sent one interrupt and has ${grace} s to stop before it is killed${signal === "SIGINT" ? " (press Ctrl-C twice more to kill now)" : ""}\n`,
        );
        controller.abort();
        graceTimer = setTimeout(() => {
          if (policy.onGraceExpired()) killNow(`the grace period of ${grace} s is over`);
        }, grace * 1000);
        graceTimer.unref();
        break;
      case "same-request":
        io.stderr.write(
          `\n${signal} received: the stop already under way goes on (no second interrupt)\n`,
        );
        break;
      case "warn":
        io.stderr.write(
          "\npress Ctrl-C again to kill the running terraform processes (their state locks may stay held)\n",
        );
        break;
      case "kill":
        killNow("third Ctrl-C");
        break;
      case "none":
        break;
    }
  };
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = (): void => onSignal(signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  // A terminal or pipe that goes away must not end the run: the summary and the record are still
  // written (the record is what matters then), whatever stdout and stderr do.
  const ignoreOutputErrors = (): void => undefined;
  io.stdout.on("error", ignoreOutputErrors);
  io.stderr.on("error", ignoreOutputErrors);

  const view = heldView(
    createProgressView({
      stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean },
      verb: `${command === "output" ? "reading" : "running"}`,
    }),
  );
  const aws = adapters.aws(awsBaseOf(config), view);
  // One shared provider plugin cache (created by the run after its preflight); units of one
  // provider set init one at a time until it is warm.
  const pluginCacheDir = pluginCacheDirOf(loaded.dir);
  const runner = new SpawnTerraformRunner({
    pluginCacheDir,
    binary: config.terraform.binary,
    configDir: loaded.dir,
    env: io.env,
    baseProfile: config.base.profile,
    ...(flags.debug ? { logLevel: "trace" as const } : {}),
  });
  const isInteractive = interactive(io);
  const prompter =
    isInteractive && io.stdin ? new TerminalPrompter(io.stdin, io.stderr) : undefined;
  const options: RunOptions = {
    command,
    stacks,
    targets: flags.target ?? [],
    all: flags.all === true,
    ...(parallel !== undefined ? { parallel } : {}),
    ...(lockTimeoutSeconds !== undefined ? { lockTimeoutSeconds } : {}),
    detailedExitcode: flags.detailedExitcode === true,
    autoApprove: flags.autoApprove === true,
    approve: flags.approve ?? [],
    allowDestroy: flags.allowDestroy === true,
    allowDirty: flags.allowDirty === true,
    ...(flags.changedSince !== undefined ? { changedSince: flags.changedSince } : {}),
    ...(flags.wave !== undefined ? { wave: flags.wave } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(io.env.CROSSFORM_ROLE_ALLOWLIST
      ? {
          roleAllowlist: io.env.CROSSFORM_ROLE_ALLOWLIST.startsWith("s3://")
            ? io.env.CROSSFORM_ROLE_ALLOWLIST
            : resolve(location.cwd, io.env.CROSSFORM_ROLE_ALLOWLIST),
        }
      : {}),
    ...(maxUnits !== undefined ? { maxUnits } : {}),
    ...(flags.run !== undefined ? { fromRun: flags.run } : {}),
    ...(flags.wait === true ? { wait: true } : {}),
    user: currentUser(io.env),
    environment: io.env,
    signal: controller.signal,
    kill: kill.signal,
  };
  try {
    const result = await runCommand(
      {
        fs: adapters.fs,
        writer: adapters.writer,
        parser: adapters.parser,
        aws,
        runner,
        git: new GitCliStatus(io.env),
        clock: new SystemClock(),
        journals: new NodeJournalFiles(),
        processes: new NodeProcessTable(),
        events: view,
        ...(prompter ? { confirm: confirmer(io, prompter, view) } : {}),
      },
      loaded,
      options,
    );
    view.close();
    // Locks a killed terraform may hold come last, where the operator looks.
    const locks = result.diagnostics.filter((d) => d.code === "run/lock-possibly-held");
    const recordWarnings = result.diagnostics.filter((d) => d.code === "run/record-write-failed");
    const warnings = result.diagnostics.filter(
      (d) =>
        d.severity === "warning" &&
        d.code !== "run/lock-possibly-held" &&
        d.code !== "run/record-write-failed",
    );
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (warnings.length > 0) io.stderr.write(formatDiagnostics(warnings));
    if (prompter && warnings.some((w) => w.code === "run/crossform-not-ignored")) {
      await offerGitignore(adapters, loaded.dir, prompter, io);
    }
    const report = result.report;
    if (report) {
      const format = formatOf(flags);
      io.stdout.write(formatRunReport(report, format));
      if (command === "output" && format === "pretty") io.stdout.write(formatOutputs(report));
      const recordDir = result.recordDir!;
      const unwritten = await writeReportFiles(
        adapters,
        report,
        recordDir,
        flags,
        location.cwd,
        io,
      );
      const incomplete = [...recordWarnings, ...unwritten];
      if (incomplete.length > 0) io.stderr.write(formatDiagnostics(incomplete));
      io.stderr.write(
        `run ${report.run.id} recorded in ${relative(location.cwd, recordDir) || recordDir}${incomplete.length > 0 ? " (incomplete: see the warnings above)" : ""}\n`,
      );
      await pruneRecords(adapters, loaded.dir, config.run.keep, io);
    }
    if (errors.length > 0) io.stderr.write(formatDiagnostics(errors));
    if (locks.length > 0) {
      io.stderr.write(
        `\nstate locks that killed terraform processes may still hold (crossform never unlocks; release each once nothing else runs on its state):\n${formatDiagnostics(locks)}`,
      );
    }
    return exitCodeOf(result.exit);
  } finally {
    view.close();
    aws.destroy();
    if (graceTimer) clearTimeout(graceTimer);
    for (const [signal, listener] of listeners) process.off(signal, listener);
    io.stdout.off("error", ignoreOutputErrors);
    io.stderr.off("error", ignoreOutputErrors);
  }
}

/**
 * Writes the run record's reports (`report.md`, `report.json`, `report.html`) and every
 * `--report FILE`. A file that cannot be written is a warning naming it and the error: the
 * summary is printed already, and nothing else of the run depends on these files.
 */
async function writeReportFiles(
  adapters: Adapters,
  report: RunReport,
  recordDir: string,
  flags: RunFlags,
  cwd: string,
  io: CliIo,
): Promise<Diagnostic[]> {
  const problems: Diagnostic[] = [];
  const write = async (path: string, contents: string, mode?: number): Promise<boolean> => {
    try {
      await adapters.writer.writeAtomic(path, contents, mode === undefined ? {} : { mode });
      return true;
    } catch (error) {
      problems.push(recordWriteWarning(path, error));
      return false;
    }
  };
  for (const [name, format] of RECORD_REPORT_FILES)
    await write(join(recordDir, name), formatRunReport(report, format), 0o600);
  for (const file of flags.report ?? []) {
    const target = resolve(cwd, file);
    const format = runReportFormatOfFile(target) ?? "json";
    if (await write(target, formatRunReport(report, format)))
      io.stderr.write(`report written: ${relative(cwd, target) || target}\n`);
  }
  return problems;
}

/**
 * `run.keep`: the run records beyond the newest `keep` are removed after each run (never one that
 * holds an errored.tfstate, a crashed run's journal or a running run). A failure is a warning: the
 * run is over and recorded.
 */
async function pruneRecords(
  adapters: Adapters,
  configDir: string,
  keep: number | undefined,
  io: CliIo,
): Promise<void> {
  if (keep === undefined) return;
  try {
    const pruned = await pruneRuns(
      { fs: adapters.fs, remover: new AtomicFileWriter(), processes: new NodeProcessTable() },
      configDir,
      { keep, now: Date.now() },
    );
    const n = pruned.removed.length;
    if (n > 0)
      io.stderr.write(
        `removed ${n} old run record${n === 1 ? "" : "s"} (run.keep: ${keep}): ${pruned.removed.join(", ")}\n`,
      );
  } catch (error) {
    io.stderr.write(
      `warning: old run records were not pruned: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}

/** Offers to add `.crossform/` to the .gitignore next to crossform.yaml (kept byte for byte otherwise). */
export async function offerGitignore(
  adapters: Pick<Adapters, "fs" | "writer">,
  dir: string,
  prompter: Prompter,
  io: Pick<CliIo, "stderr">,
): Promise<void> {
  const answer = await prompter.ask("add .crossform/ to .gitignore next to crossform.yaml? [y/N] ");
  if (!/^y(es)?$/i.test(answer?.trim() ?? "")) return;
  const file = join(dir, ".gitignore");
  const existing = (await adapters.fs.exists(file)) ? await adapters.fs.readText(file) : "";
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  await adapters.writer.writeAtomic(file, `${existing}${separator}.crossform/\n`, { backup: true });
  io.stderr.write(`added .crossform/ to ${file}\n`);
}

function formatOutputs(report: RunReport): string {
  const lines: string[] = [];
  for (const unit of report.units) {
    if (!unit.outputs) continue;
    lines.push(`${unit.id}:`);
    for (const output of unit.outputs)
      lines.push(`  ${output.name} = ${JSON.stringify(output.value)}`);
  }
  return lines.length > 0 ? `\n${lines.join("\n")}\n` : "";
}

function addRunCommand(
  program: Command,
  command: RunCommand,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const cmd = program
    .command(command)
    .description(DESCRIPTIONS[command])
    .argument(
      "[stacks...]",
      "stack names (not accounts: select those with -t, e.g. -t dev, -t tier:prod); intersected with --target",
    )
    .option(
      "-t, --target <selector>",
      "select units: dev, tier:prod, tag:team=pay, stack:app (repeatable)",
      collect,
    )
    .option(
      "--all",
      "every unit (apply and destroy need a selection or --all; a selection given with it narrows it)",
    )
    .option(
      "--changed-since <ref>",
      "only units whose stack, local modules, generated files or tfvars changed since the git ref",
    )
    .option("--wave <k>", "only the units of one wave: its 1-based number or its name")
    .option(
      "--shard <i/n>",
      "only the units of shard i of n: hash(account/region) mod n (for CI jobs)",
    )
    .option("--parallel <n>", "units run at once (default: run.parallel, 4)")
    .option(
      "--lock-timeout <duration>",
      "wait this long for a held state lock (default: run.lock_timeout)",
    )
    .option("--detailed-exitcode", "exit 0 without changes, 1 on errors, 2 with changes")
    .option(
      "--report <file>",
      "also write the report to <file>: .md, .json or .html (repeatable)",
      (v: string, p: string[] = []) => [...p, v],
    )
    .option("--debug", "Terraform's trace log into each unit's log (redacted)")
    .option(
      "--wait",
      "wait for a terraform of a crashed run still running on a selected unit, instead of refusing the unit",
    );
  if (command === "apply" || command === "destroy") {
    cmd
      .option("--auto-approve", "do not ask (never covers approval accounts)")
      .option(
        "--approve <accounts>",
        "approve these approval accounts (repeatable or comma list)",
        collect,
      );
  }
  if (command === "apply" || command === "destroy")
    cmd.option(
      "--max-units <n>",
      "allow up to <n> units in this run (default: guards.max_units, 100)",
    );
  if (command === "apply") {
    cmd
      .option("--run <id>", "apply the saved plans of a plan run")
      .option(
        "--allow-destroy",
        "apply plans that destroy or replace more than guards.max_destroy (max_destroy_approval in approval accounts)",
      )
      .option(
        "--allow-dirty",
        "apply with uncommitted changes in the working tree, or outside git",
      );
  }
  if (command === "destroy")
    cmd.option("--allow-destroy", "required: destroy removes every resource of the selected units");
  withCommonOptions(cmd, ["pretty", "json", "md", "html"]).action(
    async (stacks: string[], flags: RunFlags) => {
      const adapters = await buildAdapters({ aws: true });
      setExit(await execute(command, stacks, flags, io, adapters));
    },
  );
}

/** `crossform plan | apply | destroy | drift | output`. */
export const registerRunCommands: RegisterCommand = (program, io, setExit) => {
  for (const command of ["plan", "apply", "destroy", "drift", "output"] as const) {
    addRunCommand(program, command, io, setExit);
  }
};
