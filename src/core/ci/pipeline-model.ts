/**
 * The CI pipeline of a configuration, platform-neutral (docs/contract.md section 9): which plan jobs a
 * pull request runs (one per unit up to the platform's matrix limit, shards beyond), and the apply
 * jobs of the main branch, one job or shard set per wave, in wave order, with the approval
 * accounts each wave needs. The GitHub and GitLab renderers turn this model into their files.
 */
import type { Config } from "../config/model.ts";
import { lowestAdmitted, parseConstraint } from "../config/terraform-version.ts";
import { fnv1a32, shardOf } from "../units/shard.ts";
import { shellWord } from "./shell.ts";
import type { Unit, UnitSet } from "../units/units.ts";

/** The CI systems crossform writes pipelines for. */
export type CiPlatform = "github" | "gitlab";

/** The largest per-unit matrix of each platform (docs/contract.md section 9); beyond it, shards. */
export const MATRIX_LIMIT: Record<CiPlatform, number> = { github: 256, gitlab: 200 };

/**
 * The most apply shards one wave gets: GitHub's matrix limit; on GitLab each shard is a job of
 * its own (a resource group of its own) and the next wave `needs` all of them, at most 50.
 */
export const APPLY_SHARD_LIMIT: Record<CiPlatform, number> = { github: 256, gitlab: 50 };

/** Units per shard the default shard count aims at: four rounds of `run.parallel`. */
export const ROUNDS_PER_SHARD = 4;

/** How the job installs crossform. */
export type CiInstall =
  /** The repository's package.json and lock file list crossform: `npm ci`, then its bin. */
  | { kind: "npm-ci" }
  /** `npm install --global crossform@<version>`: the version that generated the file. */
  | { kind: "global"; version: string };

/** What the caller decides about the pipeline (the rest comes from the configuration). */
export interface CiModelOptions {
  platform: CiPlatform;
  /**
   * Directory of crossform.yaml relative to the repository root, POSIX separators; `.` when the
   * config sits at the root.
   */
  configDir: string;
  /** File name of the config; `--config <name>` is passed when it is not `crossform.yaml`. */
  configFile: string;
  install: CiInstall;
  /** Where the file goes, relative to the repository root. */
  output: string;
  /**
   * `--shards n`: the shard count of every sharded job set (plan beyond the matrix limit, each
   * wave's apply).
   * @default ceil(units / (4 x run.parallel)), at most the platform's limit
   */
  shards?: number;
  /**
   * The branch whose pushes apply.
   * @default GitHub: "main"; GitLab: the project's default branch (`$CI_DEFAULT_BRANCH`)
   */
  branch?: string;
  /**
   * GitLab: the exact Terraform (or OpenTofu) version a job installs when its image has none.
   * @default the lowest version `terraform.version` admits
   */
  terraformVersion?: string;
  /**
   * `--apply-reviewed-plans`: the plan jobs store each unit's plan beside its state
   * (`plan --store-plans`) and the main-branch jobs apply it when it still holds
   * (`apply --reviewed-plans`), with a manual re-plan for the rest (docs/ci.md).
   * @default false: the main branch plans again at the merged commit
   */
  reviewedPlans?: boolean;
  /**
   * The arguments after `crossform` that regenerate the file, run from the repository root
   * (`ci github --config app/crossform.yaml`); the header names them, the check job adds `--check`.
   */
  command: string[];
}

/** One plan job of a per-unit matrix. */
export interface CiPlanUnit {
  /** The unit id (`stack/account/region`), passed to `--target`. */
  id: string;
  /** The id with `/` as `.`: unique (names hold no dots), safe in artifact and job names. */
  key: string;
}

/** The plan jobs of a pull request. */
export type CiPlanJobs =
  { kind: "units"; units: CiPlanUnit[] } | { kind: "shards"; count: number; shards: number[] };

/** The apply jobs of one wave. */
export interface CiWave {
  /** 1-based position, passed to `--wave`. */
  position: number;
  name: string;
  /** The name in lowercase letters, digits and `-`, for job, environment and group names. */
  slug: string;
  /** Units of the wave, in config order. */
  units: string[];
  /** Approval accounts the wave's units touch, in config order: `--approve` and a gate. */
  approve: string[];
  /**
   * Shards of the wave's apply: undefined for one job; else the shard count and the 1-based
   * indices that hold units (an empty shard gets no job).
   */
  shards: { count: number; indices: number[] } | undefined;
  /** Why the wave is one job although it is large (canary or tolerance: rings span the wave). */
  singleJobReason: string | undefined;
}

/** The platform-neutral pipeline. */
export interface CiPipelineModel {
  platform: CiPlatform;
  configDir: string;
  /** `--config <file>` arguments when the file is not crossform.yaml, else empty. */
  configArgs: string[];
  install: CiInstall;
  /** Where the file goes, relative to the repository root. */
  output: string;
  /** `--branch`; undefined = the platform's default. */
  branch: string | undefined;
  /** Whether the main branch applies the plans reviewed in pull requests (`--apply-reviewed-plans`). */
  reviewedPlans: boolean;
  unitCount: number;
  matrixLimit: number;
  plan: CiPlanJobs;
  /** Waves that hold units, in order. */
  waves: CiWave[];
  terraform: {
    binary: string;
    /** `terraform.version` as written. */
    constraint: string;
    /** The constraint as an npm-style range (setup actions resolve those), e.g. `>=1.10.0`. */
    range: string;
    /** The exact version a GitLab job installs when its image has none. */
    exactVersion: string;
  };
  oidc: {
    /** `ci.role_arn`; undefined = a CI variable (`CROSSFORM_ROLE_ARN`) supplies it. */
    roleArn: string | undefined;
    /** `ci.session_duration` in seconds; undefined = the platform's default. */
    sessionSeconds: number | undefined;
    /** `base.region`. */
    region: string;
  };
  /** A name for this configuration's groups and markers: the config dir as a slug. */
  configKey: string;
  /** `crossform <words>` that regenerates the file, from the repository root. */
  regenerate: string;
  /** The arguments (after `crossform`) of the check job: the command plus `--check`. */
  check: string[];
}

/** The longest slug; a longer one keeps its start and gets a hash of the whole text. */
export const SLUG_MAX = 40;

/**
 * Lowercase letters, digits and single `-`: `tier:prod` becomes `tier-prod`. An unnamed wave of
 * many accounts (`a,b,c,...`) is cut to {@link SLUG_MAX} characters, ending in the FNV-1a hash of
 * the whole name, so environment, job and group names stay short, distinct and stable.
 */
export function slugOf(text: string): string {
  const slug =
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "x";
  if (slug.length <= SLUG_MAX) return slug;
  const hash = fnv1a32(text).toString(16).padStart(8, "0");
  return `${slug.slice(0, SLUG_MAX - 9).replace(/-+$/, "")}-${hash}`;
}

/** The default shard count for `units` units: four rounds of `run.parallel` per shard. */
export function defaultShardCount(units: number, parallel: number, limit: number): number {
  const perShard = Math.max(1, ROUNDS_PER_SHARD * Math.max(1, parallel));
  return Math.min(limit, Math.max(1, Math.ceil(units / perShard)));
}

/** The 1-based shard indices among `count` that hold at least one of `units`, ascending. */
export function occupiedShards(units: readonly Unit[], count: number): number[] {
  return [...new Set(units.map((u) => shardOf(u, count)))].sort((a, b) => a - b);
}

/** The approval accounts a unit touches. */
function approvalAccounts(config: Config, unit: Unit): Set<string> {
  return new Set(
    unit.targets.map((t) => t.account).filter((a) => config.accounts.get(a)?.approval === true),
  );
}

/**
 * A Terraform constraint (`>= 1.10`, `~> 1.11.0`, `>= 1.6, < 2.0`) as an npm-style range, which
 * the setup actions resolve to the newest matching release. `!=` clauses are left out (the run's
 * preflight still refuses an excluded version).
 */
export function constraintAsRange(constraint: string): string {
  const clauses = parseConstraint(constraint);
  if (!clauses || clauses.length === 0) return "latest";
  const parts: string[] = [];
  for (const c of clauses) {
    const [major, minor, patch] = c.version;
    const v = `${major}.${minor}.${patch}`;
    if (c.op === "!=") continue;
    if (c.op === "~>") {
      parts.push(`>=${v}`, c.parts <= 2 ? `<${major + 1}.0.0` : `<${major}.${minor + 1}.0`);
    } else {
      parts.push(`${c.op === "=" ? "" : c.op}${v}`);
    }
  }
  return parts.length === 0 ? "latest" : parts.join(" ");
}

/** The lowest version a constraint admits, `x.y.z`; `1.10.0` when it says nothing. */
export function lowestVersion(constraint: string): string {
  const clauses = parseConstraint(constraint);
  const lowest = clauses ? lowestAdmitted(clauses) : ([1, 10, 0] as const);
  return lowest[0] === 0 && lowest[1] === 0 ? "1.10.0" : lowest.join(".");
}

/** Builds the pipeline model of a configuration; units and waves in config order. */
export function ciPipelineModel(
  config: Config,
  set: UnitSet,
  options: CiModelOptions,
): CiPipelineModel {
  const platform = options.platform;
  const matrixLimit = MATRIX_LIMIT[platform];
  const units = set.units;
  const parallel = config.run.parallel;
  const planShards = options.shards ?? defaultShardCount(units.length, parallel, matrixLimit);
  const plan: CiPlanJobs =
    units.length <= matrixLimit && options.shards === undefined
      ? { kind: "units", units: units.map((u) => ({ id: u.id, key: u.id.replaceAll("/", ".") })) }
      : { kind: "shards", count: planShards, shards: occupiedShards(units, planShards) };

  const waves: CiWave[] = [];
  const applyLimit = APPLY_SHARD_LIMIT[platform];
  config.waves.forEach((wave, index) => {
    const waveUnits = units.filter((u) => u.wave === index);
    if (waveUnits.length === 0) return;
    const approve = new Set<string>();
    for (const unit of waveUnits) for (const a of approvalAccounts(config, unit)) approve.add(a);
    const rings = wave.canary !== undefined || wave.tolerance > 0;
    const wanted = options.shards ?? defaultShardCount(waveUnits.length, parallel, applyLimit);
    const count = rings ? 1 : Math.min(applyLimit, wanted);
    waves.push({
      position: index + 1,
      name: wave.name,
      slug: slugOf(wave.name),
      units: waveUnits.map((u) => u.id),
      approve: [...config.accounts.keys()].filter((a) => approve.has(a)),
      shards: count > 1 ? { count, indices: occupiedShards(waveUnits, count) } : undefined,
      singleJobReason:
        rings && wanted > 1
          ? `wave ${wave.name} has ${wave.canary !== undefined ? "a canary" : "a failure tolerance"}, which spans the whole wave: one job`
          : undefined,
    });
  });

  const constraint = config.terraform.version;
  return {
    platform,
    configDir: options.configDir,
    configArgs: options.configFile === "crossform.yaml" ? [] : ["--config", options.configFile],
    install: options.install,
    output: options.output,
    branch: options.branch,
    reviewedPlans: options.reviewedPlans === true,
    unitCount: units.length,
    matrixLimit,
    plan,
    waves,
    terraform: {
      binary: config.terraform.binary,
      constraint,
      range: constraintAsRange(constraint),
      exactVersion: options.terraformVersion ?? lowestVersion(constraint),
    },
    oidc: {
      roleArn: config.ci.roleArn,
      sessionSeconds: config.ci.sessionDurationSeconds,
      region: config.base.region,
    },
    configKey: options.configDir === "." ? "root" : slugOf(options.configDir),
    regenerate: ["crossform", ...options.command].map(shellWord).join(" "),
    check: [...options.command, "--check"],
  };
}
