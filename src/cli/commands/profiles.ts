import { loadConfig } from "../../app/load-config.ts";
import { profiles } from "../../app/profiles.ts";
import { describeBaseCredentialSource } from "../../core/profiles/base-credential-source.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import { formatProfilesJson } from "../../formatters/profiles.ts";
import { buildAdapters, configLocation, formatOf, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import { profilesEnvironment } from "../profiles-environment.ts";
import type { RegisterCommand } from "./index.ts";

/** `crossform profiles [--write]`: AWS CLI profiles, one per account, in one managed block. */
export const registerProfiles: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("profiles")
      .description("print (or --write into the AWS config file) one AWS CLI profile per account")
      .option(
        "--write",
        "write the managed block into AWS_CONFIG_FILE or ~/.aws/config (atomic, with a backup)",
      ),
    ["pretty", "json"],
  ).action(async (options: CommonOptions & { write?: boolean }) => {
    const adapters = await buildAdapters();
    const loaded = await loadConfig(adapters.fs, configLocation(options, io));
    if (!loaded.ok) {
      io.stderr.write(formatDiagnostics(loaded.diagnostics));
      setExit(ExitCode.BadInput);
      return;
    }
    const report = await profiles(loaded.config, adapters, profilesEnvironment(io.env), {
      write: options.write === true,
    });
    const failed = report.diagnostics.some((d) => d.severity === "error");
    if (formatOf(options) === "json") {
      io.stdout.write(formatProfilesJson(report));
      if (failed) io.stderr.write(`${report.path} was not changed\n`);
      setExit(failed ? ExitCode.BadInput : ExitCode.Ok);
      return;
    }
    if (failed) {
      io.stderr.write(formatDiagnostics(report.diagnostics));
      io.stderr.write(`${report.path} was not changed\n`);
      setExit(ExitCode.BadInput);
      return;
    }
    if (report.diagnostics.length > 0) io.stderr.write(formatDiagnostics(report.diagnostics));
    if (report.source.kind !== "none") {
      io.stderr.write(
        `the profiles assume their roles from ${describeBaseCredentialSource(report.source)}\n`,
      );
    }
    if (!options.write) {
      io.stdout.write(report.block);
      io.stderr.write(
        `${report.changed ? `${report.path} differs from this block: run with --write to update it` : `${report.path} is up to date`}\n`,
      );
    } else if (report.wrote) {
      io.stdout.write(
        `wrote ${report.profiles.length} profiles to ${report.path}${report.backupPath ? ` (previous file kept as ${report.backupPath})` : ""}\n`,
      );
    } else {
      io.stdout.write(`${report.path} is up to date (${report.profiles.length} profiles)\n`);
    }
    setExit(ExitCode.Ok);
  });
};
