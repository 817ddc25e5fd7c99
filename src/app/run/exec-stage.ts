/**
 * `crossform exec` within a run (docs/commands/exec.md): what its request needs before anything
 * runs (one unit and a terminal for an interactive subcommand; for a state-changing one a selection,
 * the unit cap and, when no one can be asked, `--approve` naming every account), and its phase: the
 * typed confirmation of a state change, then the command in every unit, read-only subcommands in
 * parallel (all waves in one window: nothing is promoted), state-changing ones one unit at a time
 * in wave order, stopping at the first failure.
 */
import { accountsTouched, execApprovalProblem } from "../../core/run/approvals.ts";
import type { ExecRequest } from "../../core/run/exec-request.ts";
import { unitCountProblem } from "../../core/run/guards.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { schedulePhase } from "./schedule-phase.ts";
import type { RunSession } from "./session.ts";
import { badInput, stop } from "./stop.ts";
import type { Stop } from "./stop.ts";

/** The request's own checks against the selected units, before the preflight; a stop or undefined. */
export function execStage(
  deps: Pick<RunDeps, "confirmExec">,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
): Stop | undefined {
  const request = options.exec;
  if (!request) return undefined;
  const name = request.subcommand.join(" ");
  if (request.kind === "interactive") {
    if (units.length !== 1) {
      return badInput(
        "exec/one-unit",
        `exec -- ${name} runs in one unit attached to the terminal; the selection holds ${units.length}: ${units
          .slice(0, 5)
          .map((u) => u.id)
          .join(", ")}${units.length > 5 ? ", ..." : ""}`,
        "select one unit: --target <stack/account/region>",
      );
    }
    if (options.terminal !== true) {
      return badInput(
        "exec/needs-terminal",
        `exec -- ${name} is interactive and needs a terminal (stdin, stdout and stderr), not CI`,
        "run it in a terminal",
      );
    }
    return undefined;
  }
  if (request.kind !== "state-changing") return undefined;
  const approvals = execApprovalProblem(
    loaded.config,
    units,
    options.approve,
    deps.confirmExec !== undefined,
  );
  if (approvals) return stop("bad-input", [approvals]);
  const tooMany = unitCountProblem(units.length, loaded.config.guards, options.maxUnits);
  if (tooMany)
    return stop("problems", [{ severity: "error", code: "guard/max-units", ...tooMany }]);
  return undefined;
}

/** Whether the operator confirms the state change (in a terminal); flags decided otherwise. */
async function confirmed(session: RunSession, request: ExecRequest): Promise<boolean> {
  const { confirmExec } = session.deps;
  if (request.kind !== "state-changing" || !confirmExec) return true;
  return confirmExec({
    command: [...request.shown],
    units: session.units.map((u) => u.id),
    accounts: accountsTouched(session.config, session.units),
  });
}

/** The exec phase: the confirmation, then the command in every unit; see the module comment. */
export async function execPhase(session: RunSession, request: ExecRequest): Promise<void> {
  if (!(await confirmed(session, request))) {
    session.diagnostics.push({
      severity: "error",
      code: "run/not-confirmed",
      message: `exec -- ${request.shown.join(" ")} not confirmed; no unit ran it`,
    });
    for (const unit of session.units)
      await session.ledger.record(unit.id, { event: "not-started", reason: "not confirmed" });
    return;
  }
  const serial = request.kind !== "read-only";
  const output = session.deps.execOutput;
  output?.begin(session.units);
  await schedulePhase(session, {
    name: "exec",
    policy: serial ? "halt-run" : "continue",
    independent: true,
    oneWave: !serial,
    groups: session.groups,
    ...(serial ? { parallel: 1 } : {}),
    work: async (runner, control) => {
      const outcome = await runner.exec(request, control);
      const code = runner.execResult?.exitCode;
      output?.end(
        runner.unit.id,
        code === undefined ? outcome.status : code === null ? "ended by a signal" : `exit ${code}`,
      );
      return outcome;
    },
  });
}
