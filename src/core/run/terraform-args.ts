/**
 * The argv of every terraform command crossform runs, in one place (docs/contract.md sections 4 and 7).
 * Always `-input=false` and `-no-color` where the command takes them; never `-migrate-state`,
 * never `-lock=false`; files by absolute path, since terraform runs in the unit's mirrored stack
 * directory.
 */

/** Options shared by the commands that take the state lock. */
export interface LockOptions {
  /**
   * How long to wait for a held state lock, in seconds (`-lock-timeout=<n>s`); omitted = the
   * flag is not passed (Terraform's default, 0 s: fail at once).
   */
  lockTimeoutSeconds?: number;
}

function lockTimeout(options: LockOptions): string[] {
  const seconds = options.lockTimeoutSeconds;
  if (seconds === undefined) return [];
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError(`lock timeout must be a whole number of seconds >= 0, got ${seconds}`);
  }
  return [`-lock-timeout=${seconds}s`];
}

/** Options of {@link initArgs}. */
export interface InitArgsOptions extends LockOptions {
  /** Absolute path of the unit's `backends/<stem>.s3.tfbackend`. */
  backendConfigFile: string;
}

/**
 * `init -reconfigure -input=false -no-color -backend-config=<file> -lockfile=readonly`: the unit's
 * backend from its own file, its data directory's previous backend ignored (never migrated), and
 * the stack's committed `.terraform.lock.hcl` used as it is.
 */
export function initArgs(options: InitArgsOptions): string[] {
  return [
    "init",
    "-reconfigure",
    "-input=false",
    "-no-color",
    `-backend-config=${options.backendConfigFile}`,
    "-lockfile=readonly",
    ...lockTimeout(options),
  ];
}

/**
 * `init -backend=false -input=false -no-color`: run once, serially, in the real stack directory
 * when its `.terraform.lock.hcl` is missing and the stack needs providers; it writes the lock file
 * the user then commits (docs/contract.md section 4).
 */
export function lockFileInitArgs(): string[] {
  return ["init", "-backend=false", "-input=false", "-no-color"];
}

/**
 * `init -backend=false -lockfile=readonly` in a provider installation module
 * (`core/run/provider-install.ts`): installs exactly what the lock file pins into the plugin cache.
 */
export function providerInstallArgs(): string[] {
  return ["init", "-backend=false", "-input=false", "-no-color", "-lockfile=readonly"];
}

/** Options of {@link validateInitArgs}. */
export interface ValidateInitArgsOptions {
  /** Whether the stack has a `.terraform.lock.hcl`: it is then used as it is (`-lockfile=readonly`). */
  hasLockFile: boolean;
}

/**
 * `init -backend=false -input=false -no-color [-lockfile=readonly]`: providers and modules for
 * `terraform validate`, in a scratch copy of the stack (never the user's directory), without
 * touching any backend; the stack's own lock file, when it has one, is never changed.
 */
export function validateInitArgs(options: ValidateInitArgsOptions): string[] {
  return [
    "init",
    "-backend=false",
    "-input=false",
    "-no-color",
    ...(options.hasLockFile ? ["-lockfile=readonly"] : []),
  ];
}

/** `validate -json -no-color`: the configuration's diagnostics with file positions (stdout). */
export function validateJsonArgs(): string[] {
  return ["validate", "-json", "-no-color"];
}

/** What a plan is for. */
export type PlanMode = "normal" | "destroy" | "refresh-only";

/** Options of {@link planArgs}. */
export interface PlanArgsOptions extends LockOptions {
  /** @default "normal" */
  mode?: PlanMode;
  /** Absolute path of the unit's `targets/<stem>.tfvars.json`. */
  varFile: string;
  /** Absolute path to save the plan to (`-out`), in the unit's run directory; omitted = not saved. */
  planFile?: string;
  /**
   * `-detailed-exitcode`: exit 0 = no changes, 1 = error, 2 = changes.
   * @default true
   */
  detailedExitCode?: boolean;
  /** Single variables (`-var=name=value`), after the var file so that they win; not secrets. */
  vars?: Readonly<Record<string, string>>;
  /**
   * The operator's allowed flags (`core/run/pass-through.ts`: `-target`, `-replace`, `-var`, ...),
   * after crossform's own. @default []
   */
  passThrough?: readonly string[];
}

/**
 * `plan -input=false -no-color [-destroy|-refresh-only] -var-file=<file> [-var=...]
 * [<pass-through flags>] [-out=<plan>] [-detailed-exitcode] [-lock-timeout=<n>s]`.
 */
export function planArgs(options: PlanArgsOptions): string[] {
  const mode = options.mode ?? "normal";
  return [
    "plan",
    "-input=false",
    "-no-color",
    ...(mode === "destroy" ? ["-destroy"] : mode === "refresh-only" ? ["-refresh-only"] : []),
    `-var-file=${options.varFile}`,
    ...Object.entries(options.vars ?? {}).map(([name, value]) => `-var=${name}=${value}`),
    ...(options.passThrough ?? []),
    ...(options.planFile === undefined ? [] : [`-out=${options.planFile}`]),
    ...((options.detailedExitCode ?? true) ? ["-detailed-exitcode"] : []),
    ...lockTimeout(options),
  ];
}

/** `show -json -no-color <plan>`: the saved plan as JSON (stdout; large: stream it to a file). */
export function showPlanJsonArgs(planFile: string): string[] {
  return ["show", "-json", "-no-color", planFile];
}

/**
 * `show -json -no-color`: the unit's current state as JSON (stdout), read before `crossform exec`
 * of a subcommand that can print state values, to learn which are sensitive.
 */
export function showStateJsonArgs(): string[] {
  return ["show", "-json", "-no-color"];
}

/** Options of {@link applyPlanArgs}. */
export interface ApplyPlanArgsOptions extends LockOptions {
  /** Absolute path of the saved plan. */
  planFile: string;
}

/**
 * `apply -input=false -no-color [-lock-timeout=<n>s] <plan>`: applies exactly the saved plan (a
 * saved plan needs no approval flag; Terraform refuses it when stale).
 */
export function applyPlanArgs(options: ApplyPlanArgsOptions): string[] {
  return ["apply", "-input=false", "-no-color", ...lockTimeout(options), options.planFile];
}

/** `output -json -no-color`: every root output with its `sensitive` flag (stdout). */
export function outputJsonArgs(): string[] {
  return ["output", "-json", "-no-color"];
}

/** `version`: the binary's name and version on its first line (see parseVersionOutput). */
export function versionArgs(): string[] {
  return ["version"];
}
