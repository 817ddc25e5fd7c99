import { resolve } from "node:path";
import { Option } from "commander";
import { createProgressView } from "../../adapters/terminal/progress-view.ts";
import {
  bootstrap,
  DEFAULT_BOOTSTRAP_PARALLEL,
  emitBootstrapTemplate,
} from "../../app/bootstrap.ts";
import { loadConfig } from "../../app/load-config.ts";
import { bootstrapSucceeded } from "../../core/bootstrap/report.ts";
import type { BootstrapReport } from "../../core/bootstrap/report.ts";
import {
  formatBootstrap,
  formatBootstrapJson,
  formatEmitNotes,
} from "../../formatters/bootstrap.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import {
  awsBaseOf,
  buildAdapters,
  configLocation,
  currentUser,
  formatOf,
  usageError,
  withCommonOptions,
} from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/** Options of `crossform bootstrap`. */
interface BootstrapCliOptions extends CommonOptions {
  target?: string[];
  adminRole?: string;
  createRole?: boolean;
  dryRun?: boolean;
  emit?: string;
  out?: string;
  parallel?: string;
}

function parallelOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BOOTSTRAP_PARALLEL;
  if (!/^[1-9]\d{0,3}$/.test(text)) {
    usageError(`--parallel ${text} is not a whole number from 1 to 9999`, "e.g. --parallel 8");
  }
  return Number(text);
}

/**
 * `crossform bootstrap [SEL...]`: create and harden state buckets, lock tables and (with
 * `--create-role`) deploy roles through an admin role; or `--emit cloudformation` the deploy role
 * as a StackSet template.
 */
export const registerBootstrap: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("bootstrap")
      .description(
        "create and harden the state buckets, lock tables and (--create-role) deploy roles, through an admin role",
      )
      .argument(
        "[selectors...]",
        "accounts to bootstrap, as selectors (the same grammar as --target): dev, tier:prod, tag:team=pay, stack:app, a unit id",
      )
      .option("--all", "every account (what bootstrap covers without a selection)")
      .option(
        "-t, --target <selector>",
        "intersect with this selector (repeatable)",
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option(
        "--admin-role <name>",
        "role assumed in each account to create resources (default: bootstrap.admin_role, OrganizationAccountAccessRole)",
      )
      .option("--create-role", "create or update each account's deploy role too")
      .option("--dry-run", "change nothing; report what would be created or updated")
      .addOption(
        new Option(
          "--emit <kind>",
          "write a StackSet template for the deploy role instead",
        ).choices(["cloudformation"]),
      )
      .option("--out <file>", "with --emit: write the template to <file> instead of stdout")
      .option(
        "--parallel <n>",
        `accounts worked on at once (default ${DEFAULT_BOOTSTRAP_PARALLEL})`,
      ),
    ["pretty", "json"],
  ).action(async (selectors: string[], options: BootstrapCliOptions) => {
    if (options.out !== undefined && options.emit === undefined) {
      usageError(
        "--out works only with --emit cloudformation",
        "add --emit cloudformation, or drop --out",
      );
    }
    if (options.emit !== undefined && (options.dryRun || options.adminRole !== undefined)) {
      usageError(
        `--emit ${options.emit} changes nothing in AWS: --dry-run and --admin-role do not apply to it`,
        "drop --dry-run and --admin-role",
      );
    }
    const parallel = parallelOf(options.parallel);
    const adapters = await buildAdapters();
    const location = configLocation(options, io);
    const loaded = await loadConfig(adapters.fs, location);
    if (!loaded.ok) {
      io.stderr.write(formatDiagnostics(loaded.diagnostics));
      setExit(ExitCode.BadInput);
      return;
    }
    const aws = adapters.aws(awsBaseOf(loaded.config));
    try {
      const selection = { selectors, targets: options.target ?? [] };
      if (options.emit !== undefined) {
        const emitted = await emitBootstrapTemplate(
          { aws },
          loaded.config,
          loaded.units,
          selection,
        );
        if (options.out !== undefined) {
          await adapters.writer.writeAtomic(resolve(location.cwd, options.out), emitted.text);
          io.stdout.write(formatEmitNotes(emitted, options.out));
        } else {
          io.stdout.write(emitted.text);
          io.stderr.write(formatEmitNotes(emitted, undefined));
        }
        setExit(ExitCode.Ok);
        return;
      }
      const view = createProgressView({
        stream: io.stderr,
        verb: options.dryRun ? "checking" : "bootstrapping",
      });
      // The same sessions; calls that wait long for an answer are told on the view from now on.
      adapters.aws(awsBaseOf(loaded.config), view);
      let report: BootstrapReport;
      try {
        report = await bootstrap({ aws, events: view }, loaded.config, loaded.units, {
          ...selection,
          ...(options.adminRole !== undefined ? { adminRole: options.adminRole } : {}),
          createRole: options.createRole === true,
          dryRun: options.dryRun === true,
          parallel,
          user: currentUser(io.env),
          plainHttpEndpoint: /^http:\/\//i.test(
            io.env.AWS_ENDPOINT_URL_S3 ?? io.env.AWS_ENDPOINT_URL ?? "",
          ),
        });
      } finally {
        view.close();
      }
      io.stdout.write(
        formatOf(options) === "json" ? formatBootstrapJson(report) : formatBootstrap(report),
      );
      setExit(bootstrapSucceeded(report) ? ExitCode.Ok : ExitCode.Problems);
    } finally {
      aws.destroy();
    }
  });
};
