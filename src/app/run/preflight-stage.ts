/**
 * Stage 3 of a run, the preflight (docs/decisions/0012-run-engine.md): nothing runs terraform in a
 * unit until every check passes, cheapest and most certain first: generated files fresh, terraform
 * found and supported, the role allow-list, every account verified, no unit whose state lies at an
 * earlier address (earlier-state-check.ts), the provider sets ready; last,
 * what crashed runs left (crash-recovery.ts). A `.gitignore` that does not keep `.crossform/` out
 * of git is a warning that stops nothing.
 */
import { join } from "node:path";
import type { Diagnostic } from "../../core/errors.ts";
import { CrossformError } from "../../core/errors.ts";
import { verifySelectionForUnits } from "../../core/identity/verify-selection.ts";
import { ignoredVariables } from "../../core/run/child-env.ts";
import { checkTerraformVersion } from "../../core/run/terraform-version-check.ts";
import type { Unit } from "../../core/units/units.ts";
import { computeGeneratedFiles } from "../generate.ts";
import type { LoadedConfig } from "../load-config.ts";
import { verify } from "../verify.ts";
import { prepareProviderSets } from "./provider-sets.ts";
import { gitignoreCoversCrossform } from "./repository-info.ts";
import { checkAllowlist } from "./role-allowlist-source.ts";
import { expectedRunSeconds } from "./run-records.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { recoverCrashedRuns } from "./crash-recovery.ts";
import { checkEarlierStates } from "./earlier-state-check.ts";
import { badInput, isStop, stop } from "./stop.ts";
import type { Stop } from "./stop.ts";

/** What the preflight established. */
export interface Preflight {
  terraformVersion: string;
  /** Provider-set group of each unit that needs providers: its first unit inits alone. */
  groups: Map<string, string>;
  /** Warnings to show with the run's result. */
  warnings: Diagnostic[];
  /**
   * Units refused by the recovery of crashed runs (a terraform of a crashed run still runs on
   * them, or left errored.tfstate), with the message they fail with.
   */
  refused: Map<string, string>;
}

/** Stage 3: the checks, in order; the first that fails ends the run. */
export async function preflightStage(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
): Promise<Preflight | Stop> {
  noticeIgnoredEnvironment(deps, loaded, options);
  const warnings = await gitignoreWarnings(deps, loaded);
  const withWarnings = (s: Stop): Stop => stop(s.exit, [...warnings, ...s.diagnostics]);
  const fresh = await generatedFilesFresh(deps, loaded);
  if (fresh.kind === "stop") return withWarnings(fresh);
  const version = await terraformVersion(deps, loaded);
  if (typeof version !== "string") return withWarnings(version);
  if (options.roleAllowlist !== undefined) {
    const refused = await checkAllowlist(deps, loaded, units, options.roleAllowlist);
    if (refused.length > 0) return withWarnings(stop("problems", refused));
  }
  const verified = await verifyAccounts(deps, loaded, units, options);
  if (verified) return withWarnings(verified);
  const earlier = await checkEarlierStates(deps, loaded, units, options);
  warnings.push(...earlier.warnings);
  if (earlier.stop) return withWarnings(earlier.stop);
  const sets = await prepareProviderSets(deps, loaded, [...units], fresh.providerStacks);
  if (sets.diagnostics.length > 0) return withWarnings(stop("problems", sets.diagnostics));
  const recovery = await recoverCrashedRuns(deps, loaded, units, options);
  if (isStop(recovery)) return withWarnings(recovery);
  return {
    terraformVersion: version,
    groups: sets.groups,
    warnings: [...warnings, ...recovery.warnings],
    refused: recovery.refused,
  };
}

/**
 * One notice naming the operator's variables the terraform processes will not see (decision
 * 0020), before anything runs: an exported `TF_WORKSPACE` or `TF_CLI_ARGS` is not silently lost.
 */
function noticeIgnoredEnvironment(
  deps: Pick<RunDeps, "events">,
  loaded: LoadedConfig,
  options: RunOptions,
): void {
  const ignored = ignoredVariables(options.environment ?? {}, loaded.config.base.profile);
  if (ignored.length === 0) return;
  deps.events?.emit({
    type: "message",
    code: "run.environment-ignored",
    level: "info",
    text: `the terraform processes do not see ${ignored.join(", ")} from this environment (crossform builds their environment: docs/contract.md section 5)`,
  });
}

async function gitignoreWarnings(
  deps: Pick<RunDeps, "fs">,
  loaded: LoadedConfig,
): Promise<Diagnostic[]> {
  if (await gitignoreCoversCrossform(deps.fs, loaded.dir)) return [];
  return [
    {
      severity: "warning",
      code: "run/crossform-not-ignored",
      message: `.crossform/ (run records, plans, logs) is not ignored by git in ${loaded.dir}`,
      hint: "add the line `.crossform/` to .gitignore: plans and state copies can hold secrets",
    },
  ];
}

/**
 * Every generated file computed and compared with the file on disk: a unit must run exactly what
 * is committed. Also which stacks need providers (those with a generated providers file).
 */
async function generatedFilesFresh(
  deps: Pick<RunDeps, "fs" | "parser">,
  loaded: LoadedConfig,
): Promise<{ kind: "fresh"; providerStacks: Set<string> } | Stop> {
  const generated = await computeGeneratedFiles(loaded, deps);
  if (generated.diagnostics.some((d) => d.severity === "error"))
    return stop("bad-input", generated.diagnostics);
  const stale: string[] = [];
  for (const file of generated.files) {
    const abs = join(loaded.dir, file.path);
    if (!(await deps.fs.exists(abs)) || (await deps.fs.readText(abs)) !== file.contents)
      stale.push(file.path);
  }
  if (stale.length > 0) {
    const more = stale.length > 5 ? ` and ${stale.length - 5} more` : "";
    return stop("problems", [
      {
        severity: "error",
        code: "preflight/stale-generated-files",
        message: `generated files are stale: ${stale.slice(0, 5).join(", ")}${more}`,
        hint: "run `crossform generate`, review and commit the result, then run again",
      },
    ]);
  }
  const suffix = "/crossform_providers.tf";
  const providerStacks = new Set(
    generated.files
      .filter((f) => f.path.endsWith(suffix))
      .map((f) => f.path.slice(0, -suffix.length) || "."),
  );
  return { kind: "fresh", providerStacks };
}

/** Terraform found, supported, and able to do what the configuration asks; its version. */
async function terraformVersion(
  deps: Pick<RunDeps, "runner">,
  loaded: LoadedConfig,
): Promise<string | Stop> {
  let version;
  try {
    version = await deps.runner.version();
  } catch (error) {
    if (!(error instanceof CrossformError)) throw error;
    return badInput(error.code, error.message, error.hint);
  }
  const problem = checkTerraformVersion(version, {
    constraint: loaded.config.terraform.version,
    lock: loaded.config.state.lock,
  });
  return problem ? badInput(problem.code, problem.message, problem.hint) : version.version;
}

/** Every account the units reach: assumed, identity checked, state bucket checked. */
async function verifyAccounts(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
): Promise<Stop | undefined> {
  const { config } = loaded;
  const verified = await verify(
    { aws: deps.aws, events: deps.events, now: () => new Date(deps.clock.now()) },
    {
      config,
      selection: verifySelectionForUnits(config, [...units]),
      user: options.user,
      expectedRunSeconds: await expectedRunSeconds(deps.fs, loaded.dir, options.command, {
        stacks: options.stacks,
        targets: options.targets,
        all: options.all,
      }),
    },
  );
  if (verified.ok) return undefined;
  const diagnostics: Diagnostic[] = [];
  const problem = verified.base.problem;
  if (problem) {
    diagnostics.push({
      severity: "error",
      code: problem.code,
      message: `base identity: ${problem.message}`,
      ...(problem.hint ? { hint: problem.hint } : {}),
    });
  }
  for (const account of verified.accounts.filter((a) => !a.ok)) {
    const first =
      account.identity.problem ??
      account.state.flatMap((s) => s.checks).find((c) => c.problem)?.problem;
    diagnostics.push({
      severity: "error",
      code: first?.code ?? "preflight/verify-failed",
      message: `account ${account.name} (${account.id}): ${first?.message ?? "verification failed"}`,
      ...(account.hint ? { hint: account.hint } : {}),
    });
  }
  diagnostics.push({
    severity: "error",
    code: "preflight/verify-failed",
    message: "preflight: not every selected account verified; no terraform process was started",
    hint: "`crossform verify` shows every check; fix the accounts above and run again",
  });
  return stop("problems", diagnostics);
}
