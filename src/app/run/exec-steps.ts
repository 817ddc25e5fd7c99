/**
 * The terraform steps of `crossform exec` in one initialised unit (docs/commands/exec.md): learn
 * what its state holds that is sensitive (before a subcommand that can print it), then run the
 * operator's command through the relay, its output redacted into the unit's log and handed on line
 * by line; or, for an interactive subcommand, attached to the terminal.
 */
import { sessionName } from "../../core/generate/unit-inputs.ts";
import { stateSensitiveStrings } from "../../core/plan/plan-summary.ts";
import { execArgs } from "../../core/run/exec-request.ts";
import type { ExecRequest } from "../../core/run/exec-request.ts";
import { showStateJsonArgs } from "../../core/run/terraform-args.ts";
import type { Unit } from "../../core/units/units.ts";
import type { UnitWorkspace } from "../../ports/terraform-runner.ts";
import { run } from "./unit-steps.ts";
import type { UnitStepContext } from "./unit-steps.ts";

/** How the operator's command ended in a unit. */
export interface ExecResult {
  /** Terraform's exit code; null when a signal ended it (or it was attached and killed). */
  exitCode: number | null;
  /** Its stdout, redacted (the tail, at most 1 MiB); empty when attached. */
  stdout: string;
  /** Its stderr, redacted (the tail); empty when attached. */
  stderr: string;
  interrupted: boolean;
}

/** The argv of the request in this unit. */
function argsOf(ctx: UnitStepContext, unit: Unit, workspace: UnitWorkspace, request: ExecRequest) {
  return execArgs(request, {
    varFile: workspace.varFile,
    vars: { crossform_session_name: sessionName(ctx.config, unit.account, unit.stack, ctx.user) },
    lockTimeoutSeconds: ctx.lockTimeoutSeconds,
  });
}

/**
 * Learns the sensitive values of the unit's state (`show -json`, captured, never written) so that
 * the command's output is redacted of them: `output -json`, `show -json` and `state show` print
 * values from the state. A `show` that fails teaches nothing; the command then runs all the same.
 */
export async function learnStateSecrets(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  logFile: string,
): Promise<void> {
  if (!ctx.secrets) return;
  const shown = await run(ctx, workspace, showStateJsonArgs(), logFile, "capture");
  if (shown.exitCode !== 0 || shown.interrupted) return;
  ctx.secrets.learn(workspace.unitId, stateSensitiveStrings(shown.stdout));
}

/** Runs the operator's command in the unit through its relay; `onLine` hears its output lines. */
export async function execUnit(
  ctx: UnitStepContext,
  unit: Unit,
  workspace: UnitWorkspace,
  request: ExecRequest,
  logFile: string,
  onLine: ((text: string) => void) | undefined,
): Promise<ExecResult> {
  const result = await run(
    ctx,
    workspace,
    argsOf(ctx, unit, workspace, request),
    logFile,
    "log",
    onLine,
  );
  return {
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    interrupted: result.interrupted,
  };
}

/** Runs the operator's command in the unit attached to the terminal, journaled like any other. */
export async function attachUnit(
  ctx: UnitStepContext,
  unit: Unit,
  workspace: UnitWorkspace,
  request: ExecRequest,
  logFile: string,
): Promise<ExecResult> {
  const args = argsOf(ctx, unit, workspace, request);
  const command = args[0] ?? "";
  let pid: number | undefined;
  const result = await ctx.runner.attach({
    args,
    cwd: workspace.stackDir,
    dataDir: workspace.dataDir,
    logFile,
    signal: ctx.signal,
    onStart: (started) => {
      pid = started;
      void ctx.onChild?.(unit.id, { kind: "started", command, pid: started });
    },
  });
  if (pid !== undefined)
    await ctx.onChild?.(unit.id, { kind: "exited", command, pid, exit: result.exitCode });
  return { exitCode: result.exitCode, stdout: "", stderr: "", interrupted: result.interrupted };
}
