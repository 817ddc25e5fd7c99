import { generate } from "../../app/generate.ts";
import { loadConfig } from "../../app/load-config.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import { formatGenerate, formatGenerateJson } from "../../formatters/generate.ts";
import {
  buildAdapters,
  configLocation,
  formatOf,
  reportGeneratedFiles,
  withCommonOptions,
} from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/** `crossform generate [--check]`. */
export const registerGenerate: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("generate")
      .description(
        "write each stack's providers, variables, backends and tfvars (plain Terraform, committed)",
      )
      .option("--check", "change nothing; exit 1 when any generated file is stale (for CI)"),
    ["pretty", "json"],
  ).action(async (options: CommonOptions & { check?: boolean }) => {
    const adapters = await buildAdapters();
    const loaded = await loadConfig(adapters.fs, configLocation(options, io));
    if (!loaded.ok) {
      io.stderr.write(formatDiagnostics(loaded.diagnostics));
      io.stderr.write("nothing was written\n");
      setExit(ExitCode.BadInput);
      return;
    }
    const check = options.check === true;
    const report = await generate(loaded, adapters, { check });
    setExit(
      reportGeneratedFiles(
        io,
        { ...report, check, json: formatOf(options) === "json" },
        {
          json: () => formatGenerateJson(report, check),
          text: () => formatGenerate(report, check),
        },
      ),
    );
  });
};
