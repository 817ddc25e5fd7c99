/**
 * Stage 1 of a run: which units it covers. The request must make sense (a selection for apply and
 * destroy, `--allow-destroy` for destroy), then the selection narrows step by step: selectors and
 * stacks, `--wave`, `--shard`, the units of `apply --run`, `--changed-since`. A narrowing that
 * leaves nothing ends the run with exit 0 and a warning (an empty CI shard succeeds). A destroy
 * must take along the dependents of what it removes.
 */
import { selectUnits } from "../../core/units/select-units.ts";
import { unselectedDependents } from "../../core/units/dependents.ts";
import { resolveWave, unitsOfShard } from "../../core/units/shard.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import { unitsChangedBy } from "./changed-units.ts";
import { loadRunReport } from "./run-records.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { badInput, isStop, orStop, stop } from "./stop.ts";
import type { Stop } from "./stop.ts";

/** The units a run covers. */
export interface Selected {
  units: Unit[];
}

/** Stage 1: the selected units, or why the run ends here. */
export async function selectStage(
  deps: Pick<RunDeps, "fs" | "parser" | "git" | "events">,
  loaded: LoadedConfig,
  options: RunOptions,
): Promise<Selected | Stop> {
  const refused = requestProblem(options);
  if (refused) return refused;
  const noSelection = options.stacks.length === 0 && options.targets.length === 0;
  const selected = selectUnits(
    loaded.config,
    loaded.units,
    noSelection ? {} : { stacks: options.stacks, targets: options.targets },
  );
  if (!selected.ok) return badInput("run/selection", selected.message, selected.hint);
  let units = selected.units;
  if (options.wave !== undefined) {
    const wave = resolveWave(loaded.config, options.wave);
    if (!wave.ok) return badInput("run/unknown-wave", wave.error, wave.hint);
    units = units.filter((u) => u.wave === wave.index);
    if (units.length === 0)
      return nothingSelected(`wave ${options.wave} holds none of the selected units`, options);
  }
  if (options.shard !== undefined) {
    units = unitsOfShard(units, options.shard);
    if (units.length === 0) {
      const { index, count } = options.shard;
      return nothingSelected(`shard ${index}/${count} holds none of the selected units`, options);
    }
  }
  if (options.fromRun !== undefined) {
    const planned = await unitsOfRun(deps, loaded, options.fromRun);
    if (isStop(planned)) return planned;
    units = units.filter((u) => planned.has(u.id));
    if (units.length === 0) {
      return badInput(
        "run/selection",
        `run ${options.fromRun} planned none of the selected units`,
        "`crossform report <run>` shows what that run planned",
      );
    }
  }
  if (options.changedSince !== undefined) {
    const changed = await changedUnits(deps, loaded, units, options.changedSince);
    if (isStop(changed)) return changed;
    units = changed;
    if (units.length === 0) {
      return nothingSelected(
        `no selected unit changed since ${options.changedSince}`,
        options,
        "run/nothing-changed",
      );
    }
  }
  if (options.command === "destroy") {
    const refused = dependentsLeft(loaded, units);
    if (refused) return refused;
  }
  return { units };
}

/**
 * A destroy of units that unselected units depend on is refused, naming them: they would be left
 * reading a state that no longer exists (docs/decisions/0030-destroy-dependents.md).
 */
function dependentsLeft(loaded: LoadedConfig, units: Unit[]): Stop | undefined {
  const left = unselectedDependents(loaded.units, units);
  if (left.length === 0) return undefined;
  const dependents = [...new Set(left.flatMap((l) => l.dependents))];
  const stacks = [...new Set(dependents.map((d) => d.stack))];
  const shown = left
    .slice(0, 5)
    .map((l) => `${l.unit.id} (read by ${l.dependents.map((d) => d.id).join(", ")})`);
  const more = left.length > 5 ? `, and ${left.length - 5} more` : "";
  return badInput(
    "run/destroy-dependents",
    `destroy would remove what units outside the selection depend on: ${shown.join("; ")}${more}; nothing was destroyed`,
    `destroy their dependents in the same run (they go first): add the stack${stacks.length === 1 ? "" : "s"} ${stacks.join(" ")} to the arguments, or --target ${dependents.map((d) => d.id).join(",")}`,
  );
}

/** What the request itself lacks, before any unit is looked at. */
function requestProblem(options: RunOptions): Stop | undefined {
  const { command } = options;
  const narrowed =
    options.stacks.length > 0 ||
    options.targets.length > 0 ||
    options.wave !== undefined ||
    options.all ||
    options.fromRun !== undefined ||
    options.changedSince !== undefined;
  const changing =
    command === "apply" ||
    command === "destroy" ||
    (command === "exec" && options.exec?.kind === "state-changing");
  if (changing && !narrowed) {
    const what = command === "exec" ? `exec -- ${options.exec?.subcommand.join(" ")}` : command;
    return badInput(
      "run/selection-required",
      `${what} needs a selection or --all`,
      `name stacks, pass --target <selector>, or --all to run it in every unit`,
    );
  }
  if (command === "destroy" && !options.allowDestroy) {
    return badInput(
      "run/destroy-not-allowed",
      "destroy needs --allow-destroy",
      "destroy removes every resource of the selected units: pass --allow-destroy to mean it",
    );
  }
  return undefined;
}

/** The units that `apply --run <id>` covers: those its plan run planned. */
async function unitsOfRun(
  deps: Pick<RunDeps, "fs">,
  loaded: LoadedConfig,
  runId: string,
): Promise<Set<string> | Stop> {
  const saved = await orStop(loadRunReport(deps.fs, loaded.dir, runId));
  return isStop(saved) ? saved : new Set(saved.units.map((u) => u.id));
}

async function changedUnits(
  deps: Pick<RunDeps, "fs" | "parser" | "git" | "events">,
  loaded: LoadedConfig,
  units: Unit[],
  ref: string,
): Promise<Unit[] | Stop> {
  const changed = await orStop(deps.git.changedSince(loaded.dir, ref));
  if (isStop(changed)) return changed;
  const kept = await unitsChangedBy(deps, loaded, units, changed);
  const n = kept.length;
  deps.events?.emit({
    type: "message",
    code: "run.changed-since",
    level: "info",
    text: `--changed-since ${ref}: ${n} unit${n === 1 ? "" : "s"} changed (${changed.length} changed file${changed.length === 1 ? "" : "s"})${n > 0 ? `: ${kept.map((u) => u.id).join(", ")}` : ""}`,
  });
  return kept;
}

/**
 * The end of a run whose selection came to nothing after `--wave`, `--shard` or
 * `--changed-since`: a warning and exit 0 (a CI job of an empty shard succeeds).
 */
function nothingSelected(why: string, options: RunOptions, code = "run/nothing-selected"): Stop {
  return stop("ok", [
    { severity: "warning", code, message: `${why}: nothing to ${options.command}` },
  ]);
}
