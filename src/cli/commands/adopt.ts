import { relative, resolve } from "node:path";
import { GitCliStatus } from "../../adapters/git/git-cli-status.ts";
import { NodeJournalFiles } from "../../adapters/fs/append-journal.ts";
import { NodeProcessTable } from "../../adapters/system/node-process-table.ts";
import { SystemClock } from "../../adapters/system/system-clock.ts";
import { createProgressView } from "../../adapters/terminal/progress-view.ts";
import { SpawnTerraformRunner } from "../../adapters/terraform/spawn-terraform-runner.ts";
import { adopt } from "../../app/adopt/adopt.ts";
import {
  moveFromFlags,
  movesFromMappingFile,
  movesFromPrevious,
} from "../../app/adopt/adopt-plan.ts";
import { loadConfig } from "../../app/load-config.ts";
import type { LoadedConfig } from "../../app/load-config.ts";
import type { WrittenSource } from "../../core/adopt/adopt-mapping.ts";
import type { AdoptMove } from "../../core/adopt/adopt-moves.ts";
import type { Diagnostic } from "../../core/errors.ts";
import { exitCodeOf } from "../../core/exit-codes.ts";
import { selectUnits } from "../../core/units/select-units.ts";
import { formatAdopt, formatAdoptJson } from "../../formatters/adopt.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import type { Adapters, RunAwsSessions } from "../context.ts";
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
import type { CliIo } from "../run-cli.ts";
import type { RegisterCommand } from "./index.ts";

interface AdoptFlags extends CommonOptions {
  mapping?: string;
  from?: string;
  fromPrevious?: boolean;
  workspace?: string;
  workspaceKeyPrefix?: string;
  fromRegion?: string;
  fromRole?: string;
  fromExternalId?: string;
  fromAccount?: string;
  target?: string[];
  apply?: boolean;
  force?: boolean;
}

/** Exactly one way of naming the moves, with the flags that belong to it. */
function checkFlags(unit: string | undefined, flags: AdoptFlags): void {
  const ways = [flags.mapping, flags.from, flags.fromPrevious].filter((w) => w !== undefined);
  if (ways.length !== 1) {
    usageError(
      "adopt needs one of --mapping FILE, UNIT --from s3://bucket/key, or --from-previous",
      "docs/commands/adopt.md shows each",
    );
  }
  if (flags.from !== undefined && unit === undefined)
    usageError(
      "--from needs the unit to adopt into",
      "crossform adopt network/dev/us-east-1 --from s3://bucket/key",
    );
  if (flags.from === undefined && unit !== undefined)
    usageError(
      `unit ${unit}: a unit is given with --from only`,
      "with --mapping the file names the units; with --from-previous select them with --target",
    );
  const sourceFlags = [
    flags.workspace,
    flags.workspaceKeyPrefix,
    flags.fromRegion,
    flags.fromRole,
    flags.fromExternalId,
    flags.fromAccount,
  ];
  if (flags.from === undefined && sourceFlags.some((f) => f !== undefined))
    usageError(
      "--workspace, --workspace-key-prefix, --from-region, --from-role, --from-external-id and --from-account describe --from",
      "in a mapping file, write them in the move (or under from:)",
    );
  if (flags.target !== undefined && flags.fromPrevious !== true)
    usageError("--target selects units for --from-previous only");
}

/** The moves the flags name, or the diagnostics of bad input. */
async function movesOf(
  adapters: Adapters,
  aws: RunAwsSessions,
  loaded: LoadedConfig,
  unit: string | undefined,
  flags: AdoptFlags,
  io: CliIo,
): Promise<{ moves: AdoptMove[]; warnings: Diagnostic[] } | { diagnostics: Diagnostic[] }> {
  if (flags.mapping !== undefined) {
    const result = await movesFromMappingFile(
      adapters.fs,
      loaded,
      resolve(io.cwd, flags.mapping),
      flags.mapping,
    );
    return result.ok ? { moves: result.moves, warnings: [] } : result;
  }
  if (flags.from !== undefined && unit !== undefined) {
    const rest: Omit<WrittenSource, "bucket" | "key"> = {
      ...(flags.workspace !== undefined ? { workspace: flags.workspace } : {}),
      ...(flags.workspaceKeyPrefix !== undefined
        ? { workspace_key_prefix: flags.workspaceKeyPrefix }
        : {}),
      ...(flags.fromRegion !== undefined ? { region: flags.fromRegion } : {}),
      ...(flags.fromRole !== undefined ? { role_arn: flags.fromRole } : {}),
      ...(flags.fromExternalId !== undefined ? { external_id: flags.fromExternalId } : {}),
      ...(flags.fromAccount !== undefined ? { account: flags.fromAccount } : {}),
    };
    const result = moveFromFlags(loaded, unit, flags.from, rest);
    return result.ok ? { moves: result.moves, warnings: [] } : result;
  }
  const selected = selectUnits(loaded.config, loaded.units, { targets: flags.target ?? [] });
  if (!selected.ok) usageError(selected.message, selected.hint);
  const { config } = loaded;
  const runner = new SpawnTerraformRunner({
    binary: config.terraform.binary,
    configDir: loaded.dir,
    env: io.env,
    baseProfile: config.base.profile,
  });
  return movesFromPrevious(
    { fs: adapters.fs, git: new GitCliStatus(io.env), runner, aws },
    loaded,
    selected.units,
    currentUser(io.env),
  );
}

async function execute(unit: string | undefined, flags: AdoptFlags, io: CliIo): Promise<number> {
  checkFlags(unit, flags);
  const adapters = await buildAdapters();
  const location = configLocation(flags, io);
  const loaded = await loadConfig(adapters.fs, location);
  if (!loaded.ok) {
    io.stderr.write(formatDiagnostics(loaded.diagnostics));
    return ExitCode.BadInput;
  }
  const view = createProgressView({ stream: io.stderr, verb: "adopting" });
  const aws = adapters.aws(awsBaseOf(loaded.config), view);
  try {
    const planned = await movesOf(adapters, aws, loaded, unit, flags, io);
    if ("diagnostics" in planned) {
      io.stderr.write(formatDiagnostics(planned.diagnostics));
      return ExitCode.BadInput;
    }
    if (planned.warnings.length > 0) io.stderr.write(formatDiagnostics(planned.warnings));
    if (planned.moves.length === 0) {
      io.stderr.write(
        "no selected unit has a state at an earlier address while its own address is empty: nothing to adopt\n",
      );
      return ExitCode.Ok;
    }
    const result = await adopt(
      {
        aws,
        writer: adapters.writer,
        clock: new SystemClock(),
        journals: new NodeJournalFiles(),
        processes: new NodeProcessTable(),
        events: view,
      },
      loaded,
      {
        moves: planned.moves,
        apply: flags.apply === true,
        force: flags.force === true,
        user: currentUser(io.env),
      },
    );
    view.close();
    if (result.report) {
      io.stdout.write(
        formatOf(flags) === "json"
          ? formatAdoptJson(result.report, result.recordDir)
          : formatAdopt(result.report),
      );
    }
    if (result.diagnostics.length > 0) io.stderr.write(formatDiagnostics(result.diagnostics));
    if (result.recordDir)
      io.stderr.write(
        `run ${result.report?.run_id ?? ""} recorded in ${relative(location.cwd, result.recordDir) || result.recordDir}\n`,
      );
    return exitCodeOf(result.exit);
  } finally {
    view.close();
    aws.destroy();
  }
}

/**
 * `crossform adopt`: copies existing states (a workspace per account, per-account keys in a shared
 * bucket, a unit's earlier address) to their units' addresses; a dry run unless `--apply`.
 */
export const registerAdopt: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("adopt")
      .description(
        "copy existing states (a workspace per account, a shared bucket, an earlier address) to their units; a dry run unless --apply",
      )
      .argument("[unit]", "the unit to adopt into (with --from)")
      .option("--mapping <file>", "a YAML file naming each unit's existing state")
      .option(
        "--from <s3url>",
        "the unit's existing state: s3://<bucket>/<key> (the old backend's)",
      )
      .option(
        "--workspace <name>",
        "with --from: the Terraform workspace (state at <prefix>/<name>/<key>)",
      )
      .option(
        "--workspace-key-prefix <prefix>",
        "with --from: the old backend's workspace_key_prefix (default env:)",
      )
      .option(
        "--from-region <region>",
        "with --from: the old bucket's region (default base.region)",
      )
      .option("--from-role <arn>", "with --from: read the old state through this role")
      .option("--from-external-id <id>", "with --from-role: its external id")
      .option(
        "--from-account <name>",
        "with --from: read the old state through this account's state role",
      )
      .option(
        "--from-previous",
        "adopt each selected unit's state from its earlier address (state.bucket or state.key changed)",
      )
      .option(
        "-t, --target <selector>",
        "with --from-previous: select units (repeatable; default every unit)",
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option("--apply", "copy the states (without it: a dry run that writes nothing)")
      .option(
        "--force",
        "replace a state the unit's address holds already (kept in the run record first)",
      ),
    ["pretty", "json"],
  ).action(async (unit: string | undefined, flags: AdoptFlags) => {
    setExit(await execute(unit, flags, io));
  });
};
