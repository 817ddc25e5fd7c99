import { relative } from "node:path";
import { loadConfig } from "../../app/load-config.ts";
import { validate } from "../../app/validate.ts";
import { formatValidate, formatValidateJson } from "../../formatters/validate.ts";
import { buildAdapters, configLocation, formatOf, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

interface ValidateCommandOptions extends CommonOptions {
  terraform?: boolean;
  parallel?: string;
}

/**
 * `crossform validate [--terraform]`: configuration and state layout, offline; with `--terraform`
 * also `terraform validate` of every stack (exit 1 when it finds problems).
 */
export const registerValidate: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("validate")
      .description("check crossform.yaml, the stacks and the state layout (offline)")
      .option(
        "--terraform",
        "also run terraform validate for every stack (init -backend=false in .crossform/validate/; needs the providers)",
      )
      .option(
        "--parallel <n>",
        "with --terraform: stacks validated at once (default: run.parallel)",
      ),
    ["pretty", "json"],
  ).action(async (options: ValidateCommandOptions) => {
    const adapters = await buildAdapters();
    const location = configLocation(options, io);
    const report = await validate(adapters, location);
    const shown = relative(location.cwd, report.path);
    const file = shown === "" || shown.startsWith("..") ? report.path : shown;
    const json = formatOf(options) === "json";
    if (options.terraform !== true || !report.valid) {
      if (json) io.stdout.write(formatValidateJson(report));
      else (report.valid ? io.stdout : io.stderr).write(formatValidate(report, file));
      if (options.terraform === true && !json) {
        io.stderr.write("terraform validate was not run: fix the configuration first\n");
      }
      setExit(report.valid ? ExitCode.Ok : ExitCode.BadInput);
      return;
    }
    // Only `--terraform` runs terraform: its runner and report are loaded for it alone.
    const [step, formats] = await Promise.all([
      import("../terraform-validate-step.ts"),
      import("../../formatters/validate-terraform.ts"),
    ]);
    const { runTerraformValidate, validateParallelOf } = step;
    const { formatTerraformValidate, terraformValidateJson } = formats;
    const loaded = await loadConfig(adapters.fs, location);
    if (!loaded.ok) throw new Error("the configuration validate accepted did not load");
    const parallel = validateParallelOf(options.parallel, loaded.config.run.parallel);
    const terraform = await runTerraformValidate(loaded, adapters, io, parallel);
    if (json) {
      io.stdout.write(formatValidateJson(report, { terraform: terraformValidateJson(terraform) }));
    } else {
      io.stdout.write(formatValidate(report, file));
      (terraform.valid ? io.stdout : io.stderr).write(formatTerraformValidate(terraform));
    }
    setExit(
      terraform.interrupted
        ? ExitCode.Interrupted
        : terraform.valid
          ? ExitCode.Ok
          : ExitCode.Problems,
    );
  });
};
