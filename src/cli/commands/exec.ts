/**
 * `crossform exec [STACK...] [--target SEL] -- <terraform args>` (docs/commands/exec.md): a
 * terraform command in each selected unit's working directory, data directory and environment,
 * after the same preflight as plan. Terraform's output goes to stdout (each line with its unit in
 * front on a terminal, one block per unit in CI and pipes, as it is with one unit), the summary to
 * stderr; `--format json` prints one document with each unit's exit code and output. The exit
 * code is the worst unit's.
 */
import { relative } from "node:path";
import { TerminalPrompter } from "../../adapters/terminal/terminal-prompter.ts";
import { loadConfig } from "../../app/load-config.ts";
import { runCommand } from "../../app/run/run-command.ts";
import type { ConfirmExecRequest, ExecOutput, RunOptions } from "../../app/run/run-types.ts";
import { execConfirmation } from "../../core/run/approvals.ts";
import { parseExecRequest } from "../../core/run/exec-request.ts";
import type { ExecRequest } from "../../core/run/exec-request.ts";
import { execExitCode } from "../../core/report/run-report.ts";
import type { Config } from "../../core/config/model.ts";
import { exitCodeOf } from "../../core/exit-codes.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import {
  formatExecJson,
  formatExecSummary,
  groupedOutput,
  groupStyleOf,
  prefixedLine,
} from "../../formatters/exec-output.ts";
import type { Adapters } from "../context.ts";
import {
  buildAdapters,
  configLocation,
  formatOf,
  usageError,
  withCommonOptions,
} from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { CliIo } from "../run-cli.ts";
import {
  collect,
  unitRunOptions,
  withSelectionOptions,
  withTerraformOptions,
} from "../run-flags.ts";
import type { UnitRunFlags } from "../run-flags.ts";
import type { HeldView } from "../held-view.ts";
import { interactive, runWiring, stopSignals } from "../run-wiring.ts";
import { pruneRecords } from "../prune-records.ts";
import type { RegisterCommand } from "./index.ts";

/** The terraform request after `--`, or a usage error naming what is refused and why. */
function requestOf(io: CliIo): ExecRequest {
  if (io.passThrough === undefined) {
    usageError(
      "exec needs a terraform command after --",
      "crossform exec --target dev -- state list",
    );
  }
  const parsed = parseExecRequest(io.passThrough);
  if (!parsed.ok) usageError(parsed.refusal.message, parsed.refusal.hint);
  return parsed.request;
}

/** Whether stdout is a terminal an operator reads (not CI). */
function terminalOutput(io: CliIo): boolean {
  return (io.stdout as { isTTY?: boolean }).isTTY === true && io.env.CI !== "true";
}

/**
 * Where the units' output goes: lines with their unit in front on a terminal, one block per unit
 * (as each ends) elsewhere, plain lines when only one unit runs (so that a single unit's output can
 * be piped as terraform printed it).
 */
function outputSink(io: CliIo, config: Config): ExecOutput {
  const live = terminalOutput(io);
  const style = groupStyleOf(io.env);
  let width = 0;
  let single = true;
  let index = 0;
  const held = new Map<string, string[]>();
  const write = (text: string): void => void io.stdout.write(text);
  return {
    begin(units) {
      single = units.length === 1;
      width = Math.max(0, ...units.map((u) => u.id.length));
    },
    line(unitId, text) {
      if (single) write(`${text}\n`);
      else if (live) write(prefixedLine(unitId, width, text));
      else held.set(unitId, [...(held.get(unitId) ?? []), text]);
    },
    end(unitId, how) {
      if (single || live) return;
      const [, account = ""] = unitId.split("/");
      const unit = { id: unitId, account, account_id: config.accounts.get(account)?.id ?? "" };
      index += 1;
      write(
        groupedOutput(
          unit,
          how,
          held.get(unitId) ?? [],
          style,
          Math.floor(Date.now() / 1000),
          index,
        ),
      );
      held.delete(unitId);
    },
  };
}

/** The typed confirmation of a state-changing command, in a terminal (the view held meanwhile). */
function confirmer(io: CliIo, prompter: TerminalPrompter, view: HeldView) {
  const ask = async (request: ConfirmExecRequest): Promise<boolean> => {
    io.stderr.write(
      `\nterraform ${request.command.join(" ")} will run in these units, one at a time, stopping at the first failure:\n${request.units.map((u) => `  ${u}`).join("\n")}\n`,
    );
    const { question, confirms } = execConfirmation(
      request.command,
      request.units.length,
      request.accounts,
    );
    return confirms(await prompter.ask(question));
  };
  return (request: ConfirmExecRequest): Promise<boolean> => view.holding(() => ask(request));
}

async function execute(
  stacks: string[],
  flags: UnitRunFlags,
  io: CliIo,
  adapters: Adapters,
): Promise<number> {
  const location = configLocation(flags, io);
  const loaded = await loadConfig(adapters.fs, location);
  if (!loaded.ok) {
    io.stderr.write(formatDiagnostics(loaded.diagnostics));
    return ExitCode.BadInput;
  }
  const request = requestOf(io);
  const shared = unitRunOptions(flags, stacks, io, location.cwd);
  const json = formatOf(flags) === "json";
  const asks = interactive(io);
  const stops = stopSignals(io, loaded, {
    terminalOwnsInterrupt: request.kind === "interactive",
  });
  const wiring = runWiring(io, loaded, adapters, {
    verb: "running",
    quiet: true,
    ...(flags.debug === true ? { debug: true } : {}),
  });
  const prompter =
    asks && io.stdin && request.kind === "state-changing"
      ? new TerminalPrompter(io.stdin, io.stderr)
      : undefined;
  const options: RunOptions = {
    ...shared,
    command: "exec",
    exec: request,
    terminal: asks && terminalOutput(io),
    detailedExitcode: false,
    autoApprove: false,
    allowDestroy: false,
    signal: stops.signal,
    kill: stops.kill,
  };
  try {
    const result = await runCommand(
      {
        ...wiring.deps,
        ...(prompter ? { confirmExec: confirmer(io, prompter, wiring.view) } : {}),
        ...(json ? {} : { execOutput: outputSink(io, loaded.config) }),
      },
      loaded,
      options,
    );
    wiring.close();
    const warnings = result.diagnostics.filter((d) => d.severity === "warning");
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (warnings.length > 0) io.stderr.write(formatDiagnostics(warnings));
    const { report } = result;
    if (report) {
      if (json) io.stdout.write(formatExecJson(report, result.outputs ?? new Map()));
      else io.stderr.write(`\n${formatExecSummary(report)}`);
      const recordDir = result.recordDir ?? "";
      io.stderr.write(
        `run ${report.run.id} recorded in ${relative(location.cwd, recordDir) || recordDir}\n`,
      );
      await pruneRecords(adapters, loaded.dir, loaded.config.run.keep, io);
    }
    if (errors.length > 0) io.stderr.write(formatDiagnostics(errors));
    if (!report) return exitCodeOf(result.exit);
    return Math.max(execExitCode(report), errors.length > 0 ? ExitCode.Problems : ExitCode.Ok);
  } finally {
    wiring.close();
    stops.dispose();
  }
}

/** `crossform exec`. */
export const registerExec: RegisterCommand = (program, io, setExit) => {
  const cmd = program
    .command("exec")
    .description(
      "run a terraform command (after --) in each selected unit's directory, backend and role",
    )
    .argument("[stacks...]", "stacks to run it in (intersected with --target)");
  withTerraformOptions(withSelectionOptions(cmd))
    .option(
      "--approve <accounts>",
      "when not interactive, a state-changing command needs every account of its units named here (repeatable or comma list)",
      collect,
    )
    .option(
      "--max-units <n>",
      "allow a state-changing command in up to <n> units (default: guards.max_units, 100)",
    );
  withCommonOptions(cmd, ["pretty", "json"]).action(
    async (stacks: string[], flags: UnitRunFlags) => {
      const adapters = await buildAdapters({ aws: true });
      setExit(await execute(stacks, flags, io, adapters));
    },
  );
};
