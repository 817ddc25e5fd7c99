/**
 * The {@link TerraformRunner} port on node:child_process: the only place crossform starts
 * terraform (or tofu). The CLI builds one per run from crossform.yaml and the process environment.
 */
import { resolve } from "node:path";
import { buildChildEnv, withDataDir } from "../../core/run/child-env.ts";
import type { EnvironmentVariables, TerraformLogLevel } from "../../core/run/child-env.ts";
import { secretValuesOf } from "../../core/run/redact.ts";
import { versionArgs } from "../../core/run/terraform-args.ts";
import { parseVersionOutput } from "../../core/run/terraform-version-check.ts";
import type { TerraformVersionInfo } from "../../core/run/terraform-version-check.ts";
import { CrossformError } from "../../core/errors.ts";
import type {
  AttachedCommand,
  AttachedResult,
  EndedCommand,
  TerraformCommand,
  UnitLocation,
  TerraformProcess,
  TerraformRunner,
  StackWorkspace,
  StackWorkspaceSpec,
  UnitWorkspace,
  UnitWorkspaceSpec,
} from "../../ports/terraform-runner.ts";
import { runAttached } from "./attached-process.ts";
import { startCapturedProcess } from "./captured-process.ts";
import { prepareStackWorkspace } from "./stack-workspace.ts";
import { annotate, readEndedCommand, startTerraformProcess } from "./terraform-process.ts";
import { findRepositoryRoot, locateUnitWorkspace, prepareUnitWorkspace } from "./unit-workspace.ts";

/** Options of {@link SpawnTerraformRunner}. */
export interface SpawnTerraformRunnerOptions {
  /** `terraform.binary` of crossform.yaml: a name on the PATH or a path. @default "terraform" */
  binary?: string;
  /** Directory of crossform.yaml; `.crossform/` is created there. */
  configDir: string;
  /**
   * Root of the tree the unit mirrors reproduce.
   * @default the git top level above configDir (found by its `.git`), else configDir
   */
  repositoryRoot?: string;
  /** The operator's environment, filtered per docs/contract.md section 5 (the CLI passes `process.env`). */
  env: EnvironmentVariables;
  /** `base.profile`; undefined = the default credential chain. */
  baseProfile: string | undefined;
  /** `--debug`: Terraform's log level, into the unit's log after redaction. @default undefined */
  logLevel?: TerraformLogLevel;
  /** `TF_PLUGIN_CACHE_DIR` when the environment sets none. @default undefined */
  pluginCacheDir?: string;
}

/** Runs terraform as separate processes; see {@link TerraformRunner}. */
export class SpawnTerraformRunner implements TerraformRunner {
  private readonly options: SpawnTerraformRunnerOptions;
  private readonly binary: string;
  private readonly secrets: string[];
  private versionInfo: Promise<TerraformVersionInfo> | undefined;
  private repositoryRoot: Promise<string> | undefined;
  private runEnv: Record<string, string> | undefined;

  constructor(options: SpawnTerraformRunnerOptions) {
    this.options = options;
    this.binary = options.binary ?? "terraform";
    this.secrets = secretValuesOf(options.env);
  }

  /**
   * The child environment for a command whose data directory is `dataDir`: the run's environment,
   * built once (core/run/child-env.ts), with `TF_DATA_DIR`.
   */
  childEnv(dataDir: string | undefined): Record<string, string> {
    this.runEnv ??= buildChildEnv({
      parent: this.options.env,
      baseProfile: this.options.baseProfile,
      ...(this.options.logLevel === undefined ? {} : { logLevel: this.options.logLevel }),
      ...(this.options.pluginCacheDir === undefined
        ? {}
        : { pluginCacheDir: this.options.pluginCacheDir }),
    });
    return dataDir === undefined ? { ...this.runEnv } : withDataDir(this.runEnv, dataDir);
  }

  /** See {@link TerraformRunner.version}. */
  version(): Promise<TerraformVersionInfo> {
    this.versionInfo ??= this.detectVersion();
    return this.versionInfo;
  }

  private async detectVersion(): Promise<TerraformVersionInfo> {
    const env = buildChildEnv({ parent: this.options.env, baseProfile: this.options.baseProfile });
    const result = await startCapturedProcess({
      binary: this.binary,
      args: versionArgs(),
      cwd: resolve(this.options.configDir),
      env,
      logFile: undefined,
      secrets: this.secrets,
    }).result;
    const info = result.exitCode === 0 ? parseVersionOutput(this.binary, result.stdout) : undefined;
    if (!info) {
      throw new CrossformError(
        "terraform/unknown-binary",
        "user",
        `"${this.binary} version" did not report a Terraform or OpenTofu version (exit ${result.exitCode ?? result.signal}): ${(result.stdout + result.stderr).trim().slice(0, 500)}`,
        { hint: "set terraform.binary in crossform.yaml to a terraform or tofu binary" },
      );
    }
    return info;
  }

  /** See {@link TerraformRunner.prepareUnit}. */
  async prepareUnit(spec: UnitWorkspaceSpec): Promise<UnitWorkspace> {
    return prepareUnitWorkspace(
      {
        configDir: this.options.configDir,
        repositoryRoot: await this.root(),
        ...(spec.sourceRoot !== undefined ? { sourceRoot: spec.sourceRoot } : {}),
      },
      spec,
    );
  }

  /** See {@link TerraformRunner.locateUnit}. */
  async locateUnit(spec: UnitWorkspaceSpec): Promise<UnitLocation> {
    return locateUnitWorkspace(
      { configDir: this.options.configDir, repositoryRoot: await this.root() },
      spec,
    );
  }

  /** See {@link TerraformRunner.endedCommand}. */
  endedCommand(logFile: string): Promise<EndedCommand | undefined> {
    return readEndedCommand(logFile);
  }

  /** See {@link TerraformRunner.prepareStack}. */
  async prepareStack(spec: StackWorkspaceSpec): Promise<StackWorkspace> {
    return prepareStackWorkspace(
      { configDir: this.options.configDir, repositoryRoot: await this.root() },
      spec,
    );
  }

  private root(): Promise<string> {
    this.repositoryRoot ??=
      this.options.repositoryRoot === undefined
        ? findRepositoryRoot(this.options.configDir)
        : Promise.resolve(this.options.repositoryRoot);
    return this.repositoryRoot;
  }

  /** See {@link TerraformRunner.annotate}. */
  annotate(logFile: string, text: string): void {
    annotate(logFile, text);
  }

  /** See {@link TerraformRunner.start}. */
  start(command: TerraformCommand): TerraformProcess {
    let env: Record<string, string>;
    try {
      env = this.childEnv(command.dataDir);
    } catch (error) {
      return {
        pid: undefined,
        interrupt: () => false,
        kill: () => false,
        result: Promise.reject(error),
      };
    }
    return startTerraformProcess({
      binary: this.binary,
      args: command.args,
      cwd: command.cwd,
      env,
      logFile: command.logFile,
      secrets: [...this.secrets, ...(command.redact ?? [])],
      ...(command.beforeStart === undefined ? {} : { beforeStart: command.beforeStart }),
      ...(command.stdout === undefined ? {} : { stdout: command.stdout }),
      ...(command.onLine === undefined ? {} : { onLine: command.onLine }),
    });
  }

  /** See {@link TerraformRunner.attach}. */
  attach(command: AttachedCommand): Promise<AttachedResult> {
    let env: Record<string, string>;
    try {
      env = this.childEnv(command.dataDir);
    } catch (error) {
      return Promise.reject(error);
    }
    return runAttached({ ...command, binary: this.binary, env, secrets: this.secrets });
  }
}
