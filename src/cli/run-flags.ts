/**
 * The flags every command that runs terraform in units shares (`plan`, `apply`, `destroy`,
 * `drift`, `output`, `exec`): the selection, `--parallel`, `--lock-timeout`, `--debug`, `--wait`,
 * and what they become in the run's options. Bad values are usage errors (exit 2).
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import type { RunOptions } from "../app/run/run-types.ts";
import { durationSeconds } from "../core/config/durations.ts";
import type { CommonOptions } from "./context.ts";
import { currentUser, usageError } from "./context.ts";
import type { CliIo } from "./run-cli.ts";
import { shardFlag } from "./shard-flag.ts";

/** The shared flags as commander hands them over. */
export interface UnitRunFlags extends CommonOptions {
  target?: string[];
  all?: boolean;
  changedSince?: string;
  wave?: string;
  shard?: string;
  parallel?: string;
  lockTimeout?: string;
  debug?: boolean;
  wait?: boolean;
  approve?: string[];
  maxUnits?: string;
}

/** A repeatable option that also takes comma lists. */
export const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== ""),
];

/** Adds the selection options: `--target`, `--all`, `--changed-since`, `--wave`, `--shard`. */
export function withSelectionOptions(cmd: Command): Command {
  return cmd
    .option(
      "-t, --target <selector>",
      "select units: dev, tier:prod, tag:team=pay, stack:app (repeatable)",
      collect,
    )
    .option(
      "--all",
      "every unit (apply and destroy need a selection or --all; a selection given with it narrows it)",
    )
    .option(
      "--changed-since <ref>",
      "only units whose stack, local modules, generated files or tfvars changed since the git ref",
    )
    .option("--wave <k>", "only the units of one wave: its 1-based number or its name")
    .option(
      "--shard <i/n>",
      "only the units of shard i of n: hash(account/region) mod n (for CI jobs)",
    );
}

/** Adds `--parallel`, `--lock-timeout`, `--debug` and `--wait`. */
export function withTerraformOptions(cmd: Command): Command {
  return cmd
    .option("--parallel <n>", "units run at once (default: run.parallel, 4)")
    .option(
      "--lock-timeout <duration>",
      "wait this long for a held state lock (default: run.lock_timeout)",
    )
    .option("--debug", "Terraform's trace log into each unit's log (redacted)")
    .option(
      "--wait",
      "wait for a terraform of a crashed run still running on a selected unit, instead of refusing the unit",
    );
}

/** The run options of the shared flags (the command's own are added by the caller). */
export function unitRunOptions(
  flags: UnitRunFlags,
  stacks: string[],
  io: CliIo,
  cwd: string,
): Omit<RunOptions, "command" | "detailedExitcode" | "autoApprove" | "allowDestroy"> {
  const parallel = flags.parallel === undefined ? undefined : Number(flags.parallel);
  if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1 || parallel > 256)) {
    usageError(`--parallel ${flags.parallel} is not a whole number from 1 to 256`);
  }
  let lockTimeoutSeconds: number | undefined;
  if (flags.lockTimeout !== undefined) {
    if (!/^\d+(ms|s|m|h)$/.test(flags.lockTimeout))
      usageError(`--lock-timeout ${flags.lockTimeout} is not a duration`, "write e.g. 30s, 5m");
    lockTimeoutSeconds = durationSeconds(flags.lockTimeout);
  }
  const shard = shardFlag(flags.shard);
  const maxUnits = flags.maxUnits === undefined ? undefined : Number(flags.maxUnits);
  if (maxUnits !== undefined && (!Number.isInteger(maxUnits) || maxUnits < 1)) {
    usageError(`--max-units ${flags.maxUnits} is not a whole number of 1 or more`);
  }
  const allowlist = io.env.CROSSFORM_ROLE_ALLOWLIST;
  return {
    stacks,
    targets: flags.target ?? [],
    all: flags.all === true,
    approve: flags.approve ?? [],
    ...(parallel !== undefined ? { parallel } : {}),
    ...(lockTimeoutSeconds !== undefined ? { lockTimeoutSeconds } : {}),
    ...(flags.changedSince !== undefined ? { changedSince: flags.changedSince } : {}),
    ...(flags.wave !== undefined ? { wave: flags.wave } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(allowlist
      ? {
          roleAllowlist: allowlist.startsWith("s3://") ? allowlist : resolve(cwd, allowlist),
        }
      : {}),
    ...(maxUnits !== undefined ? { maxUnits } : {}),
    ...(flags.wait === true ? { wait: true } : {}),
    user: currentUser(io.env),
    environment: io.env,
  };
}
