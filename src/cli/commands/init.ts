import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AtomicFileWriter } from "../../adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../adapters/fs/node-file-system.ts";
import { parseOuTiers } from "../../app/discover.ts";
import { CONFIG_FILE_NAME } from "../../app/load-config.ts";
import { init } from "../../app/init.ts";
import { DEFAULTS } from "../../core/config/normalize.ts";
import { formatDiscoverySummary, formatInit, formatInitJson } from "../../formatters/discover.ts";
import { formatOf, usageError, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import { collect, readOrganization, shownPath } from "./discover.ts";
import type { RegisterCommand } from "./index.ts";

// schema/ sits next to src/ and dist/ in the repository and in the package.
const SHIPPED_SCHEMA = fileURLToPath(
  new URL("../../../schema/crossform.schema.json", import.meta.url),
);

/** `crossform init [--from-organization]`: a starter crossform.yaml. */
export const registerInit: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("init")
      .description(
        "write a commented starter crossform.yaml (never overwrites one); --from-organization fills its accounts",
      )
      .option(
        "--from-organization",
        "fill accounts: with the ACTIVE accounts of the AWS Organization (as crossform discover)",
      )
      .option(
        "--ou-tier <OU=TIER>",
        "with --from-organization: give the accounts below an OU a tier; repeatable",
        collect,
        [],
      ),
    ["pretty", "json"],
  ).action(async (options: CommonOptions & { fromOrganization?: boolean; ouTier: string[] }) => {
    if (options.ouTier.length > 0 && !options.fromOrganization) {
      usageError(
        "--ou-tier needs --from-organization",
        "add --from-organization, or drop --ou-tier",
      );
    }
    const mappings = parseOuTiers(options.ouTier);
    const cwd = options.chdir ? resolve(io.cwd, options.chdir) : io.cwd;
    const path = resolve(cwd, options.config ?? CONFIG_FILE_NAME);
    const fs = new NodeFileSystem();
    const file = shownPath(cwd, path);
    const report = await init(
      { fs, writer: new AtomicFileWriter() },
      {
        path,
        file,
        schemaFile: SHIPPED_SCHEMA,
        region: io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? DEFAULTS.baseRegion,
        profile: io.env.AWS_PROFILE || undefined,
      },
      options.fromOrganization
        ? async () => {
            const discovery = await readOrganization(fs, io, undefined, mappings);
            io.stderr.write(formatDiscoverySummary(discovery));
            return discovery;
          }
        : undefined,
    );
    io.stdout.write(
      formatOf(options) === "json"
        ? formatInitJson(report)
        : formatInit(report, file, shownPath(cwd, report.gitignorePath)),
    );
    setExit(ExitCode.Ok);
  });
};
