import { createProgressView } from "../../adapters/terminal/progress-view.ts";
import { loadConfig } from "../../app/load-config.ts";
import { checkProfiles } from "../../app/profiles.ts";
import { DEFAULT_VERIFY_PARALLEL, verify } from "../../app/verify.ts";
import type { VerifyReport } from "../../app/verify.ts";
import {
  selectVerifyTargets,
  verifySelectionOfShard,
} from "../../core/identity/verify-selection.ts";
import { shardFlag } from "../shard-flag.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import { formatVerify, formatVerifyJson } from "../../formatters/verify.ts";
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
import { profilesEnvironment } from "../profiles-environment.ts";
import type { RegisterCommand } from "./index.ts";

interface VerifyCommandOptions extends CommonOptions {
  target: string[];
  parallel?: string;
  viaProfiles?: boolean;
  shard?: string;
}

function parallelOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_VERIFY_PARALLEL;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    usageError(
      `--parallel must be a positive whole number, got "${text}"`,
      `use --parallel ${DEFAULT_VERIFY_PARALLEL}, the default`,
    );
  }
  return n;
}

/**
 * `crossform verify [SEL...] [--target SEL]`: per account, assume the deploy role and check who it
 * is, then the state buckets and lock tables; exit 1 when anything fails (docs/contract.md section 6).
 */
export const registerVerify: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("verify")
      .description("assume each account's role and check its identity, state bucket and lock table")
      .argument(
        "[selectors...]",
        "accounts to verify, as selectors (the same grammar as --target): <account>, tier:<tier>, tag:<k>=<v>, stack:<stack>, a unit id",
      )
      .option("--all", "every account (what verify checks without a selection)")
      .option(
        "-t, --target <selector>",
        "narrow the selection (intersects with the positional selectors; repeatable)",
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option("--parallel <n>", `accounts verified at once (default ${DEFAULT_VERIFY_PARALLEL})`)
      .option(
        "--shard <i/n>",
        "only the accounts of shard i of n: those its units reach (hash(account/region) mod n)",
      )
      .option(
        "--via-profiles",
        "reach each account through its generated AWS CLI profile (proves `crossform profiles --write` works)",
      ),
    ["pretty", "json"],
  ).action(async (selectors: string[], options: VerifyCommandOptions) => {
    const parallel = parallelOf(options.parallel);
    const adapters = await buildAdapters();
    const loaded = await loadConfig(adapters.fs, configLocation(options, io));
    if (!loaded.ok) {
      io.stderr.write(formatDiagnostics(loaded.diagnostics));
      setExit(ExitCode.BadInput);
      return;
    }
    const { config } = loaded;
    const selection = selectVerifyTargets(config, loaded.units, {
      selectors,
      targets: options.target,
    });
    if (!selection.ok) usageError(selection.message, selection.hint);
    const shard = shardFlag(options.shard);
    const selected =
      shard === undefined ? selection : verifySelectionOfShard(config, selection, shard);
    if (selected.accounts.length === 0) {
      io.stderr.write(
        `warning: shard ${options.shard} holds none of the selected accounts: nothing to verify\n`,
      );
      setExit(ExitCode.Ok);
      return;
    }

    const viaProfiles = options.viaProfiles === true;
    const profiles = viaProfiles
      ? await checkProfiles(config, adapters, profilesEnvironment(io.env))
      : undefined;
    const view = createProgressView({ stream: io.stderr, verb: "verifying" });
    const aws = adapters.aws(awsBaseOf(config), view);
    let report: VerifyReport;
    try {
      report = await verify(
        { aws, events: view, now: () => new Date() },
        {
          config,
          selection: { accounts: selected.accounts, units: selected.units },
          parallel,
          viaProfiles,
          profiles,
          user: currentUser(io.env),
        },
      );
    } finally {
      view.close();
      aws.destroy();
    }
    io.stdout.write(formatOf(options) === "json" ? formatVerifyJson(report) : formatVerify(report));
    setExit(report.ok ? ExitCode.Ok : ExitCode.Problems);
  });
};
