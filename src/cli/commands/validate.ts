import { relative } from "node:path";
import { validate } from "../../app/validate.ts";
import { formatValidate, formatValidateJson } from "../../formatters/validate.ts";
import { buildAdapters, configLocation, formatOf, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/** `crossform validate`: configuration and state layout, offline. */
export const registerValidate: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("validate")
      .description("check crossform.yaml, the stacks and the state layout (offline)"),
    ["pretty", "json"],
  ).action(async (options: CommonOptions) => {
    const adapters = await buildAdapters();
    const location = configLocation(options, io);
    const report = await validate(adapters, location);
    const shown = relative(location.cwd, report.path);
    const file = shown === "" || shown.startsWith("..") ? report.path : shown;
    if (formatOf(options) === "json") {
      io.stdout.write(formatValidateJson(report));
    } else {
      (report.valid ? io.stdout : io.stderr).write(formatValidate(report, file));
    }
    setExit(report.valid ? ExitCode.Ok : ExitCode.BadInput);
  });
};
