import { relative } from "node:path";
import { AtomicFileWriter } from "../../adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../adapters/fs/node-file-system.ts";
import {
  discoverOrganization,
  discoveryYaml,
  mergeDiscovery,
  parseOuTiers,
} from "../../app/discover.ts";
import type { Discovery } from "../../app/discover.ts";
import { findConfigFile } from "../../app/load-config.ts";
import type { OuTierMapping } from "../../core/discover/ou-tiers.ts";
import { readBaseSettings } from "../../core/discover/base-settings.ts";
import { DEFAULTS } from "../../core/config/normalize.ts";
import { CrossformError } from "../../core/errors.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import {
  formatDiscoveryJson,
  formatDiscoverySummary,
  formatMerge,
  formatMergeJson,
} from "../../formatters/discover.ts";
import { configLocation, formatOf, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { CliIo } from "../run-cli.ts";
import type { RegisterCommand } from "./index.ts";

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** How a file is named in messages: relative to the working directory when below it. */
export function shownPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown === "" || shown.startsWith("..") ? path : shown;
}

/**
 * Reads the organization as the base identity: `base.profile` and `base.region` of the config
 * when there is one (read leniently), else the default chain in AWS_REGION (or us-east-1).
 */
export async function readOrganization(
  fs: FileSystem,
  io: CliIo,
  configPath: string | undefined,
  mappings: readonly OuTierMapping[],
): Promise<Discovery> {
  const base = configPath
    ? readBaseSettings(await fs.readText(configPath))
    : { profile: undefined, region: undefined };
  const region =
    base.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? DEFAULTS.baseRegion;
  // The AWS SDK is loaded only by the commands that call AWS (see buildAdapters in context.ts).
  const { SdkAwsSessions } = await import("../../adapters/aws/sdk-aws-sessions.ts");
  const sessions = new SdkAwsSessions({ profile: base.profile, region });
  try {
    return await discoverOrganization(sessions.baseClients(region).organizations, mappings);
  } finally {
    sessions.destroy();
  }
}

/** `crossform discover [--ou-tier OU=TIER ...] [--merge]`: the organization's accounts. */
export const registerDiscover: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("discover")
      .description(
        "list the ACTIVE accounts of the AWS Organization as accounts: entries (--merge: add new ones to crossform.yaml)",
      )
      .option(
        "--ou-tier <OU=TIER>",
        "give the accounts below an OU (name or path, e.g. Prod or Root/Workloads/Prod) a tier; repeatable, the deepest match wins",
        collect,
        [],
      )
      .option(
        "--merge",
        "add accounts crossform.yaml lacks (by id) to it, keeping everything else; prints the wave line to add",
      ),
    ["pretty", "json"],
  ).action(async (options: CommonOptions & { ouTier: string[]; merge?: boolean }) => {
    const mappings = parseOuTiers(options.ouTier);
    const fs = new NodeFileSystem();
    const location = configLocation(options, io);
    let configPath: string | undefined;
    try {
      configPath = await findConfigFile(fs, location);
    } catch (error) {
      // Printing needs no config: without one, the default credential chain reads the organization.
      const optional = !options.merge && options.config === undefined;
      if (!(optional && error instanceof CrossformError && error.code === "config/not-found"))
        throw error;
    }
    const discovery = await readOrganization(fs, io, configPath, mappings);
    io.stderr.write(formatDiscoverySummary(discovery));
    if (!options.merge || configPath === undefined) {
      io.stdout.write(
        formatOf(options) === "json" ? formatDiscoveryJson(discovery) : discoveryYaml(discovery),
      );
      setExit(ExitCode.Ok);
      return;
    }
    const file = shownPath(location.cwd, configPath);
    const report = await mergeDiscovery(
      { fs, writer: new AtomicFileWriter() },
      configPath,
      file,
      discovery,
    );
    io.stdout.write(
      formatOf(options) === "json"
        ? formatMergeJson(report)
        : formatMerge(
            {
              ...report,
              backupPath: report.backupPath && shownPath(location.cwd, report.backupPath),
            },
            file,
            discovery,
          ),
    );
    setExit(ExitCode.Ok);
  });
};
