import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { TerminalPrompter } from "../../adapters/terminal/terminal-prompter.ts";
import { pruneRecords } from "../prune-records.ts";
import { loadConfig } from "../../app/load-config.ts";
import { runCommand } from "../../app/run/run-command.ts";
import type { ConfirmRequest, RunOptions } from "../../app/run/run-types.ts";
import { namesTyped } from "../../core/run/approvals.ts";
import { parsePassThrough } from "../../core/run/pass-through.ts";
import type { PassThrough } from "../../core/run/pass-through.ts";
import { interactive, runWiring, stopSignals } from "../run-wiring.ts";
import type { RunCommand, RunReport } from "../../core/report/run-report.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import {
  formatRunReport,
  RECORD_REPORT_FILES,
  runReportFormatOfFile,
} from "../../formatters/run-report-formats.ts";
import { formatReplanExcess } from "../../formatters/replan-excess.ts";
import { formatRunSummary } from "../../formatters/run-summary.ts";
import type { HeldView } from "../held-view.ts";
import type { Adapters } from "../context.ts";
import type { Prompter } from "../../ports/prompter.ts";
import {
  buildAdapters,
  configLocation,
  formatOf,
  usageError,
  withCommonOptions,
} from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import { exitCodeOf } from "../../core/exit-codes.ts";
import type { Diagnostic } from "../../core/errors.ts";
import { recordWriteWarning } from "../../app/run/run-ledger.ts";
import type { CliIo } from "../run-cli.ts";
import {
  collect,
  unitRunOptions,
  withSelectionOptions,
  withTerraformOptions,
} from "../run-flags.ts";
import type { UnitRunFlags } from "../run-flags.ts";
import type { RegisterCommand } from "./index.ts";

interface RunFlags extends UnitRunFlags {
  detailedExitcode?: boolean;
  report?: string[];
  autoApprove?: boolean;
  allowDestroy?: boolean;
  allowDirty?: boolean;
  run?: string;
  storePlans?: boolean;
  reviewedPlans?: boolean;
}

const DESCRIPTIONS: Record<Exclude<RunCommand, "exec">, string> = {
  plan: "plan the selected units, (one window across the waves) and summarize the changes",
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
      return namesTyped(answer, wanted);
    }
    const answer = await prompter.ask(`${request.command} these changes? type yes to confirm: `);
    return answer?.trim() === "yes";
  };
  return (request: ConfirmRequest): Promise<boolean> => view.holding(() => ask(request));
}

async function execute(
  command: Exclude<RunCommand, "exec">,
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
  for (const file of flags.report ?? []) checkReportFile(file);
  if (flags.reviewedPlans === true && flags.run !== undefined) {
    usageError(
      "apply --reviewed-plans --run: give one or the other",
      "--run applies the saved plans of a run on this machine; --reviewed-plans those stored by plan --store-plans",
    );
  }
  const shared = unitRunOptions(flags, stacks, io, location.cwd);
  const passThrough = passThroughOf(command, io);
  const stops = stopSignals(io, loaded);
  const wiring = runWiring(io, loaded, adapters, {
    verb: command === "output" ? "reading" : "running",
    ...(flags.debug === true ? { debug: true } : {}),
  });
  const { view } = wiring;
  const isInteractive = interactive(io);
  const prompter =
    isInteractive && io.stdin ? new TerminalPrompter(io.stdin, io.stderr) : undefined;
  const options: RunOptions = {
    ...shared,
    command,
    detailedExitcode: flags.detailedExitcode === true,
    autoApprove: flags.autoApprove === true,
    allowDestroy: flags.allowDestroy === true,
    allowDirty: flags.allowDirty === true,
    ...(flags.run !== undefined ? { fromRun: flags.run } : {}),
    ...(flags.storePlans === true ? { storePlans: true } : {}),
    ...(flags.reviewedPlans === true ? { reviewedPlans: true } : {}),
    ...(passThrough !== undefined ? { passThrough } : {}),
    signal: stops.signal,
    kill: stops.kill,
  };
  try {
    const result = await runCommand(
      { ...wiring.deps, ...(prompter ? { confirm: confirmer(io, prompter, view) } : {}) },
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
      await pruneRecords(adapters, loaded.dir, loaded.config.run.keep, io);
    }
    if (errors.length > 0) io.stderr.write(formatDiagnostics(errors));
    if (locks.length > 0) {
      io.stderr.write(
        `\nstate locks that killed terraform processes may still hold (crossform never unlocks; release each once nothing else runs on its state):\n${formatDiagnostics(locks)}`,
      );
    }
    return exitCodeOf(result.exit);
  } finally {
    wiring.close();
    stops.dispose();
  }
}

/**
 * The flags after `--` (docs/commands/run.md, "Passing flags to terraform"), checked against the
 * allow-list: a refusal is a usage error naming the flag and the reason. `drift` and `output` never
 * get here with flags: the command line refuses `--` for them.
 */
function passThroughOf(command: Exclude<RunCommand, "exec">, io: CliIo): PassThrough | undefined {
  const words = io.passThrough;
  if (words === undefined || command === "drift" || command === "output") return undefined;
  const parsed = parsePassThrough(command, words);
  if (!parsed.ok) usageError(parsed.refusal.message, parsed.refusal.hint);
  return parsed.value;
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
  command: Exclude<RunCommand, "exec">,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const cmd = program
    .command(command)
    .description(DESCRIPTIONS[command])
    .argument(
      "[stacks...]",
      "stack names (not accounts: select those with -t, e.g. -t dev, -t tier:prod); intersected with --target",
    );
  withTerraformOptions(withSelectionOptions(cmd))
    .option("--detailed-exitcode", "exit 0 without changes, 1 on errors, 2 with changes")
    .option(
      "--report <file>",
      "also write the report to <file>: .md, .json or .html (repeatable)",
      (v: string, p: string[] = []) => [...p, v],
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
  if (command === "plan")
    cmd.option(
      "--store-plans",
      "store each unit's plan with changes beside its state, for apply --reviewed-plans (CI)",
    );
  if (command === "apply") {
    cmd
      .option("--run <id>", "apply the saved plans of a plan run")
      .option(
        "--reviewed-plans",
        "apply each unit's plan stored by plan --store-plans for this code, when it still holds; else plan again and need approval again",
      )
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
