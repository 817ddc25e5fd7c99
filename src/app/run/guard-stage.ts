/**
 * Stage 2 of a run: the guards checked before any AWS call or terraform process (docs/contract.md,
 * "Guards"): the approvals a non-interactive apply or destroy needs, the unit cap, and a committed
 * working tree for apply (`--allow-dirty` lifts it; outside git it is required). Also the one
 * per-unit destroy cap check that the later stages share.
 */
import type { Config } from "../../core/config/model.ts";
import type { Diagnostic } from "../../core/errors.ts";
import { approvalAccountsOf, approvalProblem } from "../../core/run/approvals.ts";
import { destroyCapBreach, unitCountProblem } from "../../core/run/guards.ts";
import type { DestroyCapBreach } from "../../core/run/guards.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { stop } from "./stop.ts";
import type { Stop } from "./stop.ts";

/** Stage 2: a refusal, or undefined when the run may go on. Read-only commands pass. */
export async function guardStage(
  deps: Pick<RunDeps, "git" | "confirm">,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
): Promise<Stop | undefined> {
  const { command } = options;
  if (command !== "apply" && command !== "destroy") return undefined;
  const approvals = approvalProblem(
    loaded.config,
    units,
    { command, approve: options.approve, autoApprove: options.autoApprove },
    deps.confirm !== undefined,
  );
  if (approvals) return stop("bad-input", [approvals]);
  const tooMany = unitCountProblem(units.length, loaded.config.guards, options.maxUnits);
  if (tooMany)
    return stop("problems", [{ severity: "error", code: "guard/max-units", ...tooMany }]);
  if (command !== "apply" || options.allowDirty === true) return undefined;
  const dirty = await dirtyTree(deps, loaded.dir);
  return dirty ? stop("problems", [dirty]) : undefined;
}

/** The refusal of an apply from a working tree git does not vouch for. */
async function dirtyTree(deps: Pick<RunDeps, "git">, dir: string): Promise<Diagnostic | undefined> {
  const status = await deps.git.status(dir);
  if (status.kind === "outside") {
    return {
      severity: "error",
      code: "guard/not-in-git",
      message: `${dir} is not in a git repository: apply could not be traced to a commit`,
      hint: "commit the configuration to git and apply from there, or pass --allow-dirty to apply what is on disk",
    };
  }
  if (status.changed.length === 0) return undefined;
  const shown = status.changed.slice(0, 5).join(", ");
  const more = status.changed.length > 5 ? ` and ${status.changed.length - 5} more` : "";
  return {
    severity: "error",
    code: "guard/dirty-tree",
    message: `the working tree has uncommitted changes (${shown}${more}): apply applies only committed code`,
    hint: "commit or stash the changes (`git status` lists them), or pass --allow-dirty to apply what is on disk",
  };
}

/**
 * The destroy cap breach of one unit's plan in an apply, or undefined: within its cap, lifted by
 * `--allow-destroy`, or not an apply (destroy has its own confirmation).
 */
export function destroyBreachOf(
  config: Config,
  unit: Unit,
  counts: { destroy: number; replace: number },
  options: Pick<RunOptions, "command" | "allowDestroy">,
): DestroyCapBreach | undefined {
  if (options.command !== "apply" || options.allowDestroy) return undefined;
  return destroyCapBreach(config.guards, {
    id: unit.id,
    approval: approvalAccountsOf(config, unit).length > 0,
    destroy: counts.destroy,
    replace: counts.replace,
  });
}
