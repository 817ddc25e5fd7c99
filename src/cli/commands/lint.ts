import { relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { lint } from "../../app/lint.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import { formatLintJson } from "../../formatters/lint-json.ts";
import { formatLintPretty } from "../../formatters/lint-pretty.ts";
import { formatLintSarif } from "../../formatters/lint-sarif.ts";
import { createLintSourceReader } from "../../adapters/hcl/lint-source-reader.ts";
import { buildAdapters, configLocation, formatOf, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import { packageVersion } from "../run-cli.ts";
import type { RegisterCommand } from "./index.ts";

/** The options of `crossform lint` beyond the common ones. */
interface LintOptions extends CommonOptions {
  rule?: string[];
  disable?: string[];
  baseline?: string;
  writeBaseline?: boolean;
}

/** Collects a repeatable option that also takes comma lists: `--rule a --rule b,c`. */
function list(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== ""),
  ];
}

/** `crossform lint [PATH...]`: the multi-account pitfalls in Terraform code, with or without crossform.yaml. */
export const registerLint: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("lint")
      .description(
        "find multi-account pitfalls in Terraform code (shared state, account ids in modules, hidden account selection, ...)",
      )
      .argument("[path...]", "directories or files to lint (default: the working directory)")
      .option("--rule <id>", "run only this rule (repeatable, or a comma list)", list)
      .option("--disable <id>", "turn this rule off (repeatable, or a comma list)", list)
      .option(
        "--baseline <file>",
        "leave out the findings this baseline file lists: fail only on new ones",
      )
      .option(
        "--write-baseline",
        "write today's findings to the --baseline file (and exit 0), to adopt lint in a repository with findings",
      ),
    ["pretty", "json", "sarif"],
  ).action(async (paths: string[], options: LintOptions) => {
    const adapters = await buildAdapters({ aws: false });
    const location = configLocation(options, io);
    const result = await lint(
      { ...adapters, reader: createLintSourceReader(adapters.parser) },
      {
        ...location,
        paths: paths.length > 0 ? paths : ["."],
        ...(options.rule === undefined ? {} : { only: options.rule }),
        ...(options.disable === undefined ? {} : { disable: options.disable }),
        ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
        ...(options.writeBaseline === true ? { writeBaseline: true } : {}),
      },
    );
    if (!result.ok) {
      io.stderr.write(formatDiagnostics(result.diagnostics));
      io.stderr.write(
        `fix ${result.config} (its lint: settings apply to this run), then lint again\n`,
      );
      setExit(ExitCode.BadInput);
      return;
    }
    for (const warning of result.report.warnings) io.stderr.write(`warning: ${warning}\n`);
    if (result.baselineWritten !== undefined) {
      io.stderr.write(
        `wrote ${result.report.baselined} finding${result.report.baselined === 1 ? "" : "s"} to the baseline ${result.baselineWritten}; commit it, and lint with --baseline ${result.baselineWritten} to fail on new findings only\n`,
      );
    }
    const format = formatOf(options);
    const { report, root } = result;
    if (format === "json") io.stdout.write(formatLintJson(report));
    else if (format === "sarif")
      io.stdout.write(
        formatLintSarif(report, {
          toolVersion: packageVersion(),
          rootUri: pathToFileURL(root.endsWith(sep) ? root : `${root}${sep}`).href,
        }),
      );
    else {
      // On a terminal, paths are relative to where the user is, so that they can be opened.
      const fromCwd = (file: string): string =>
        relative(location.cwd, resolve(root, file)).split(sep).join("/") || ".";
      io.stdout.write(formatLintPretty(report, { displayPath: fromCwd }));
    }
    setExit(report.failed ? ExitCode.Problems : ExitCode.Ok);
  });
};
