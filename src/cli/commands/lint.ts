import { lint } from "../../app/lint.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import { formatLintJson } from "../../formatters/lint-json.ts";
import { formatLintPretty } from "../../formatters/lint-pretty.ts";
import { formatLintSarif } from "../../formatters/lint-sarif.ts";
import { buildAdapters, configLocation, formatOf, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import { packageVersion } from "../run-cli.ts";
import type { RegisterCommand } from "./index.ts";

/** `crossform lint [PATH...]`: the multi-account pitfalls in Terraform code, with or without crossform.yaml. */
export const registerLint: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("lint")
      .description(
        "find multi-account pitfalls in Terraform code (shared state, account ids in modules, hidden account selection, ...)",
      )
      .argument("[path...]", "directories or files to lint (default: the working directory)"),
    ["pretty", "json", "sarif"],
  ).action(async (paths: string[], options: CommonOptions) => {
    const adapters = await buildAdapters();
    const location = configLocation(options, io);
    const result = await lint(adapters, {
      ...location,
      paths: paths.length > 0 ? paths : ["."],
    });
    if (!result.ok) {
      io.stderr.write(formatDiagnostics(result.diagnostics));
      io.stderr.write(
        `fix ${result.config} (its lint: settings apply to this run), then lint again\n`,
      );
      setExit(ExitCode.BadInput);
      return;
    }
    const format = formatOf(options);
    if (format === "json") io.stdout.write(formatLintJson(result.report));
    else if (format === "sarif")
      io.stdout.write(formatLintSarif(result.report, { toolVersion: packageVersion() }));
    else io.stdout.write(formatLintPretty(result.report));
    setExit(result.report.failed ? ExitCode.Problems : ExitCode.Ok);
  });
};
