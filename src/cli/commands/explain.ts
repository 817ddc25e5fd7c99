import { loadConfig } from "../../app/load-config.ts";
import { explainUnit } from "../../core/generate/explain.ts";
import { didYouMean } from "../../core/config/did-you-mean.ts";
import type { Unit } from "../../core/units/units.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import { formatExplanation, formatExplanationJson } from "../../formatters/explain.ts";
import {
  buildAdapters,
  configLocation,
  formatOf,
  usageError,
  withCommonOptions,
} from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/**
 * An account or a stack given where explain takes one unit: what it is and its units, one of which
 * is to be named; undefined when `name` is neither.
 */
function namedBy(units: readonly Unit[], name: string): { what: string; hint: string } | undefined {
  for (const [what, of] of [
    ["an account", (u: Unit) => u.account],
    ["a stack", (u: Unit) => u.stack],
  ] as const) {
    const ids = units.filter((u) => of(u) === name).map((u) => u.id);
    if (ids.length > 0)
      return { what, hint: `explain takes one unit id; its units: ${ids.join(", ")}` };
  }
  return undefined;
}

/** `crossform explain <unit>`: the plain terraform commands of one unit. */
export const registerExplain: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("explain")
      .description("print the plain terraform commands crossform runs for one unit")
      .argument(
        "<unit>",
        "unit id: stack/account/region (or stack/account when it has one region)",
      ),
    ["pretty", "json"],
  ).action(async (unitId: string, options: CommonOptions) => {
    const adapters = await buildAdapters();
    const loaded = await loadConfig(adapters.fs, configLocation(options, io));
    if (!loaded.ok) {
      io.stderr.write(formatDiagnostics(loaded.diagnostics));
      setExit(ExitCode.BadInput);
      return;
    }
    const units = loaded.units.units;
    const matches = units.filter((u) => u.id === unitId || `${u.stack}/${u.account}` === unitId);
    if (matches.length !== 1) {
      const ids = units.map((u) => u.id);
      if (matches.length > 1) {
        usageError(
          `"${unitId}" names ${matches.length} units`,
          `add the region: ${matches.map((u) => u.id).join(", ")}`,
        );
      }
      const named = namedBy(units, unitId);
      if (named) usageError(`no unit "${unitId}": "${unitId}" is ${named.what}`, named.hint);
      const suggestion = didYouMean(unitId, ids);
      usageError(
        `no unit "${unitId}"`,
        suggestion ? `did you mean ${suggestion}?` : `units: ${ids.join(", ")}`,
      );
    }
    const explanation = explainUnit(loaded.config, matches[0]!);
    io.stdout.write(
      formatOf(options) === "json"
        ? formatExplanationJson(explanation)
        : formatExplanation(explanation),
    );
    setExit(ExitCode.Ok);
  });
};
