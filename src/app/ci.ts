/**
 * `crossform ci github|gitlab [--check]`: writes the CI pipeline of a configuration (docs/ci.md).
 * The file goes to the repository root (`.github/workflows/crossform.yml`, or
 * `crossform.gitlab-ci.yml` that the project's `.gitlab-ci.yml` includes; crossform never
 * touches `.gitlab-ci.yml`), or to `--output`. With `check`, nothing is written and a stale file
 * is reported. A file edited since crossform wrote it is backed up before it is replaced; a file
 * crossform did not write is refused.
 */
import { createHash } from "node:crypto";
import { basename, isAbsolute, join, relative, sep } from "node:path";
import { classifyExisting, renderCiFile } from "../core/ci/ci-file.ts";
import { ciPipelineModel } from "../core/ci/pipeline-model.ts";
import type { CiInstall, CiPipelineModel, CiPlatform } from "../core/ci/pipeline-model.ts";
import type { Diagnostic } from "../core/errors.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";
import { CONFIG_FILE_NAME } from "./load-config.ts";
import type { LoadedConfig } from "./load-config.ts";
import { gitRoot } from "./run/repository-info.ts";

/** Where each platform's file goes by default, relative to the repository root. */
export const DEFAULT_CI_OUTPUT: Record<CiPlatform, string> = {
  github: ".github/workflows/crossform.yml",
  gitlab: "crossform.gitlab-ci.yml",
};

/** What to generate. */
export interface CiRequest {
  platform: CiPlatform;
  /**
   * Absolute path of the file.
   * @default the platform's {@link DEFAULT_CI_OUTPUT} under the repository root
   */
  output?: string;
  /** `--shards n`: shard plans and every wave's apply into n shards. */
  shards?: number;
  /** The branch whose pushes apply. @default GitHub "main"; GitLab the default branch */
  branch?: string;
  /** GitLab: the exact Terraform version a job installs when its image has none. */
  terraformVersion?: string;
  /** `--apply-reviewed-plans`: the main branch applies the plans reviewed in pull requests. */
  reviewedPlans?: boolean;
  /** Change nothing; report whether the file on disk is current. */
  check: boolean;
  /** The running crossform's version, which a job installs when the repository does not pin one. */
  version: string;
}

/** The ports the use case needs. */
export interface CiDeps {
  fs: FileSystem;
  writer: FileWriter;
}

/** The outcome of `ci`. */
export interface CiReport {
  platform: CiPlatform;
  /** Absolute path of the file. */
  path: string;
  /** The path relative to the repository root (how the header and messages name it). */
  relativePath: string;
  /** What happened, or with `check` what would happen. */
  change: "created" | "updated" | "unchanged";
  /** True when the file is missing or differs from what crossform generates. */
  stale: boolean;
  wrote: boolean;
  /** Where the edited file was copied before it was replaced. */
  backupPath: string | undefined;
  /** The command that regenerates the file, from the repository root. */
  regenerate: string;
  /** The model the file was rendered from (for summaries and the library). */
  model: CiPipelineModel;
  diagnostics: Diagnostic[];
}

/** SHA-256 of UTF-8 text, lowercase hex. */
function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function posix(path: string): string {
  return path.split(sep).join("/");
}

/** `npm ci` when the repository's package.json and lock file pin crossform, else a global install. */
async function installMethod(fs: FileSystem, root: string, version: string): Promise<CiInstall> {
  const manifest = join(root, "package.json");
  if (!(await fs.exists(manifest))) return { kind: "global", version };
  const locked =
    (await fs.exists(join(root, "package-lock.json"))) ||
    (await fs.exists(join(root, "npm-shrinkwrap.json")));
  let pinned = false;
  try {
    const pkg = JSON.parse(await fs.readText(manifest)) as Record<string, unknown>;
    pinned = ["dependencies", "devDependencies", "optionalDependencies"].some((key) => {
      const deps = pkg[key];
      return typeof deps === "object" && deps !== null && "crossform" in deps;
    });
  } catch {
    pinned = false;
  }
  return pinned && locked ? { kind: "npm-ci" } : { kind: "global", version };
}

/** Computes the CI file and, unless `check`, writes it. */
export async function ciPipeline(
  loaded: LoadedConfig,
  deps: CiDeps,
  request: CiRequest,
): Promise<CiReport> {
  const diagnostics: Diagnostic[] = [];
  const root = (await gitRoot(deps.fs, loaded.dir)) ?? loaded.dir;
  const configDir = posix(relative(root, loaded.dir)) || ".";
  const configPath = posix(relative(root, loaded.path));
  const defaultOutput = join(root, DEFAULT_CI_OUTPUT[request.platform]);
  const path = request.output ?? defaultOutput;
  const relativePath = posix(relative(root, path));
  const outsideRoot = relativePath.startsWith("../") || isAbsolute(relativePath);

  const command = ["ci", request.platform];
  if (configPath !== CONFIG_FILE_NAME) command.push("--config", configPath);
  if (path !== defaultOutput) command.push("--output", outsideRoot ? path : relativePath);
  if (request.shards !== undefined) command.push("--shards", String(request.shards));
  if (request.branch !== undefined) command.push("--branch", request.branch);
  if (request.terraformVersion !== undefined)
    command.push("--terraform-version", request.terraformVersion);
  if (request.reviewedPlans === true) command.push("--apply-reviewed-plans");

  const model = ciPipelineModel(loaded.config, loaded.units, {
    platform: request.platform,
    configDir,
    configFile: basename(loaded.path),
    install: await installMethod(deps.fs, root, request.version),
    output: relativePath,
    ...(request.shards !== undefined ? { shards: request.shards } : {}),
    ...(request.branch !== undefined ? { branch: request.branch } : {}),
    ...(request.terraformVersion !== undefined
      ? { terraformVersion: request.terraformVersion }
      : {}),
    ...(request.reviewedPlans === true ? { reviewedPlans: true } : {}),
    command,
  });
  if (model.oidc.roleArn === undefined) {
    diagnostics.push({
      severity: "warning",
      code: "ci/no-role-arn",
      message: `${configPath} sets no ci.role_arn: the pipeline reads the base role from the CI variable CROSSFORM_ROLE_ARN`,
      hint: "set ci.role_arn in crossform.yaml, or define CROSSFORM_ROLE_ARN (a GitHub repository variable, a GitLab CI/CD variable); docs/ci.md shows the role's trust policy",
    });
  }
  for (const wave of model.waves) {
    if (wave.singleJobReason)
      diagnostics.push({
        severity: "warning",
        code: "ci/wave-not-sharded",
        message: wave.singleJobReason,
      });
  }

  const contents = renderCiFile(model, configPath, sha256);
  const existing = (await deps.fs.exists(path)) ? await deps.fs.readText(path) : undefined;
  const change =
    existing === undefined ? "created" : existing === contents ? "unchanged" : "updated";
  const report: CiReport = {
    platform: request.platform,
    path,
    relativePath,
    change,
    stale: change !== "unchanged",
    wrote: false,
    backupPath: undefined,
    regenerate: model.regenerate,
    model,
    diagnostics,
  };
  if (request.check || change === "unchanged") return report;
  const kind = existing === undefined ? undefined : classifyExisting(existing, sha256);
  if (kind === "foreign") {
    diagnostics.push({
      severity: "error",
      code: "ci/foreign-file",
      message: `${relativePath} exists and was not generated by crossform; it would be overwritten`,
      hint: "move your file away, or write crossform's pipeline elsewhere with --output",
    });
    return report;
  }
  const result = await deps.writer.writeAtomic(path, contents, { backup: kind === "edited" });
  return { ...report, wrote: result.changed, backupPath: result.backupPath };
}
