import { resolve } from "node:path";
import { Argument } from "commander";
import { NodeFileSystem } from "../../adapters/fs/node-file-system.ts";
import { AtomicFileWriter } from "../../adapters/fs/atomic-write.ts";
import { ciPipeline } from "../../app/ci.ts";
import { loadConfig } from "../../app/load-config.ts";
import { MATRIX_LIMIT } from "../../core/ci/pipeline-model.ts";
import type { CiPlatform } from "../../core/ci/pipeline-model.ts";
import { formatCi, formatCiJson } from "../../formatters/ci.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import {
  configLocation,
  formatOf,
  reportGeneratedFiles,
  usageError,
  withCommonOptions,
} from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import { packageVersion } from "../run-cli.ts";
import type { RegisterCommand } from "./index.ts";

interface CiFlags extends CommonOptions {
  check?: boolean;
  output?: string;
  shards?: string;
  branch?: string;
  terraformVersion?: string;
  applyReviewedPlans?: boolean;
}

function shardsFlag(text: string | undefined, platform: CiPlatform): number | undefined {
  if (text === undefined) return undefined;
  const limit = MATRIX_LIMIT[platform];
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > limit)
    return usageError(
      `--shards ${text} is not a whole number from 1 to ${limit}`,
      `${platform} runs at most ${limit} jobs of one matrix`,
    );
  return Number(text);
}

/** `crossform ci github|gitlab [--check]`: the CI pipeline of crossform.yaml. */
export const registerCi: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("ci")
      .description(
        "write the CI pipeline: per-unit plans on pull requests with one report comment, applies per wave on the main branch (docs/ci.md)",
      )
      .addArgument(new Argument("<platform>", "the CI system").choices(["github", "gitlab"]))
      .option("--check", "change nothing; exit 1 when the file is missing or stale (for CI)")
      .option(
        "--output <path>",
        "where to write it (default: .github/workflows/crossform.yml, or crossform.gitlab-ci.yml, at the repository root)",
      )
      .option(
        "--shards <n>",
        "split plans and each wave's apply into n shards (default: one plan job per unit up to the matrix limit, then about 4 x run.parallel units a shard)",
      )
      .option(
        "--branch <name>",
        "the branch whose pushes apply (default: main; GitLab: the default branch)",
      )
      .option(
        "--apply-reviewed-plans",
        "pull-request plans are stored beside each unit's state and the main branch applies them while they hold, else a manual re-plan (docs/ci.md)",
      )
      .option(
        "--terraform-version <x.y.z>",
        "GitLab: the version a job installs when its image has none (default: the lowest terraform.version admits)",
      ),
    ["pretty", "json"],
  ).action(async (platform: CiPlatform, options: CiFlags) => {
    if (options.terraformVersion !== undefined) {
      if (platform !== "gitlab")
        usageError(
          "--terraform-version is for ci gitlab",
          "the GitHub workflow installs the newest version terraform.version admits",
        );
      if (!/^\d+\.\d+\.\d+$/.test(options.terraformVersion))
        usageError(
          `--terraform-version ${options.terraformVersion} is not x.y.z`,
          "e.g. --terraform-version 1.11.4",
        );
    }
    const shards = shardsFlag(options.shards, platform);
    const fs = new NodeFileSystem();
    const location = configLocation(options, io);
    const loaded = await loadConfig(fs, location);
    if (!loaded.ok) {
      io.stderr.write(formatDiagnostics(loaded.diagnostics));
      io.stderr.write("nothing was written\n");
      setExit(ExitCode.BadInput);
      return;
    }
    const check = options.check === true;
    const report = await ciPipeline(
      loaded,
      { fs, writer: new AtomicFileWriter() },
      {
        platform,
        check,
        version: packageVersion(),
        ...(options.output !== undefined ? { output: resolve(location.cwd, options.output) } : {}),
        ...(shards !== undefined ? { shards } : {}),
        ...(options.branch !== undefined ? { branch: options.branch } : {}),
        ...(options.terraformVersion !== undefined
          ? { terraformVersion: options.terraformVersion }
          : {}),
        ...(options.applyReviewedPlans === true ? { reviewedPlans: true } : {}),
      },
    );
    setExit(
      reportGeneratedFiles(
        io,
        { ...report, check, json: formatOf(options) === "json" },
        { json: () => formatCiJson(report, check), text: () => formatCi(report, check) },
      ),
    );
  });
};
