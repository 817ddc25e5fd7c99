/**
 * A unit's own directories (docs/contract.md section 4, docs/decisions/0011-unit-workspaces.md):
 * `.crossform/units/<stack>/<account>/<region>/work`, a mirror of the repository root in which
 * every top-level entry is a symbolic link except the directories down to the stack, which are
 * real with their entries linked; and `.../data`, the unit's `TF_DATA_DIR`. Terraform then runs in
 * a directory of the unit's own (its `errored.tfstate` cannot overwrite another unit's) while
 * relative module sources resolve exactly as in the user's tree.
 */
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  realpath,
  rm,
  symlink,
} from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { compareRecordedBackend } from "../../core/run/backend-record.ts";
import { CrossformError } from "../../core/errors.ts";
import type {
  UnitLocation,
  UnitWorkspace,
  UnitWorkspaceSpec,
} from "../../ports/terraform-runner.ts";

/** The directory crossform keeps its data in, next to crossform.yaml. */
export const CROSSFORM_DIR = ".crossform";

/** Entries never mirrored, at any level: crossform's own data, git's, Terraform's default data dir. */
const NEVER_MIRRORED = new Set([CROSSFORM_DIR, ".git", ".terraform"]);

/**
 * Entries of the stack directory never linked, because Terraform writes them into its current
 * directory: a link would send that write into the user's tree, where two units would share it.
 */
const WRITTEN_BY_TERRAFORM = new Set([
  "errored.tfstate",
  "terraform.tfstate",
  "terraform.tfstate.backup",
  "terraform.tfstate.d",
  ".terraform.tfstate.lock.info",
  "crash.log",
]);

/** The dependency lock file Terraform reads from the stack directory. */
export const LOCK_FILE = ".terraform.lock.hcl";

const PRIVATE = 0o700;

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

/**
 * The repository root the mirror reproduces: the nearest directory at or above `configDir` holding
 * `.git` (a directory, or a file in worktrees and submodules), else `configDir` itself. Both
 * resolved through symbolic links.
 */
export async function findRepositoryRoot(configDir: string): Promise<string> {
  const start = await realpath(configDir);
  for (let dir = start; ; dir = dirname(dir)) {
    if (await exists(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/** Creates `path` (and its parents) and makes sure `path` itself is mode 0700. */
export async function ensurePrivateDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE });
  const stats = await lstat(path);
  if ((stats.mode & 0o777) !== PRIVATE) await chmod(path, PRIVATE);
}

/** Where the unit directories and the repository are. */
export interface WorkspaceLocation {
  /** Absolute directory of crossform.yaml; `.crossform/` is created there. */
  configDir: string;
  /** Absolute repository root ({@link findRepositoryRoot}). */
  repositoryRoot: string;
  /**
   * The tree the mirror reproduces instead of the repository's working tree: the checkout of the
   * commit an apply runs (its root is the repository root as of that commit). @default undefined
   */
  sourceRoot?: string;
}

function checkSegment(value: string, what: string, unitId: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value) || value === "." || value === "..") {
    throw new CrossformError(
      "run/invalid-unit-path",
      "internal",
      `unit ${unitId} has the ${what} "${value}", which cannot name a directory`,
      { hint: "stack, account and region names are checked by validate; report this as a bug" },
    );
  }
  return value;
}

/** What belongs at one name of a mirrored directory. */
type Desired = { kind: "dir" } | { kind: "link"; target: string };

/** True when `path` holds nothing but symbolic links and directories of them. */
async function onlyLinks(path: string): Promise<boolean> {
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory() && (await onlyLinks(join(path, entry.name)))) continue;
    return false;
  }
  return true;
}

function conflict(path: string, target: string): CrossformError {
  return new CrossformError(
    "run/workspace-conflict",
    "user",
    `the unit directory ${path} holds a file of its own where crossform links ${target}`,
    {
      hint: `it may be something terraform wrote (keep it if it is state): move ${path} out of .crossform/ and run again`,
    },
  );
}

/**
 * Makes `mirrorDir` a real directory whose entries link to those of `realDir`, except `child`
 * (the next directory towards the stack), which stays a real directory. Links to entries that
 * are gone are removed; files that are not links (written by terraform) are never touched.
 */
async function syncLevel(
  realDir: string,
  mirrorDir: string,
  child: string | undefined,
  isStackDir: boolean,
): Promise<string[]> {
  const names = (await readdir(realDir)).sort();
  const desired = new Map<string, Desired>();
  for (const name of names) {
    if (NEVER_MIRRORED.has(name)) continue;
    if (isStackDir && WRITTEN_BY_TERRAFORM.has(name)) continue;
    desired.set(
      name,
      name === child ? { kind: "dir" } : { kind: "link", target: join(realDir, name) },
    );
  }
  const done = new Set<string>();
  for (const entry of await readdir(mirrorDir, { withFileTypes: true })) {
    const path = join(mirrorDir, entry.name);
    const want = desired.get(entry.name);
    if (entry.isSymbolicLink()) {
      if (want?.kind === "link" && (await readlink(path)) === want.target) {
        done.add(entry.name);
      } else {
        await rm(path);
      }
    } else if (entry.isDirectory()) {
      if (want?.kind === "dir") {
        done.add(entry.name);
      } else if (await onlyLinks(path)) {
        // A directory that was on the way to the stack before the stack moved.
        await rm(path, { recursive: true });
      } else if (want !== undefined) {
        throw conflict(path, want.kind === "link" ? want.target : join(realDir, entry.name));
      }
    } else if (want !== undefined) {
      throw conflict(path, want.kind === "link" ? want.target : join(realDir, entry.name));
    }
  }
  for (const [name, want] of desired) {
    if (done.has(name)) continue;
    const path = join(mirrorDir, name);
    if (want.kind === "dir") await mkdir(path, { mode: PRIVATE });
    else await symlink(want.target, path);
  }
  return names;
}

/** A stack's directory, resolved and checked against the repository. */
export interface ResolvedStack {
  /** crossform.yaml's directory, through symbolic links. */
  configDir: string;
  /** The root of the tree mirrored (the repository, or a commit's checkout), through symbolic links. */
  root: string;
  /** The stack's directory in the tree the unit runs (the working tree, or a commit's checkout). */
  realStackDir: string;
  /** The stack's directory relative to the repository root. */
  fromRoot: string;
}

/**
 * Resolves a stack's directory and checks that it exists inside the repository.
 * @throws CrossformError `run/stack-outside-repository`, `run/missing-stack-dir` (user errors)
 */
export async function resolveStack(
  location: WorkspaceLocation,
  stack: string,
  stackPath: string,
): Promise<ResolvedStack> {
  const configDir = await realpath(location.configDir);
  const root = await realpath(location.repositoryRoot);
  const realStackDir = resolve(configDir, stackPath);
  const fromRoot = relative(root, realStackDir);
  if (fromRoot === ".." || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
    throw new CrossformError(
      "run/stack-outside-repository",
      "user",
      `stack ${stack} is at ${realStackDir}, outside the repository ${root}`,
      {
        hint: `move the stack into the repository, or set stacks.${stack}.path to a directory inside it`,
      },
    );
  }
  if (location.sourceRoot !== undefined) {
    // The same place in the checkout of the commit the run runs.
    const source = await realpath(location.sourceRoot);
    return checkedStack(stack, stackPath, {
      configDir,
      root: source,
      realStackDir: join(source, fromRoot),
      fromRoot,
    });
  }
  return checkedStack(stack, stackPath, { configDir, root, realStackDir, fromRoot });
}

/** `resolved`, once its stack directory is found to exist. */
async function checkedStack(
  stack: string,
  stackPath: string,
  resolved: ResolvedStack,
): Promise<ResolvedStack> {
  const { realStackDir } = resolved;
  const stats = await lstat(realStackDir).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new CrossformError(
      "run/missing-stack-dir",
      "user",
      `stack ${stack}: directory ${realStackDir} (stacks.${stack}.path "${stackPath}") does not exist`,
      { hint: `create it, or correct stacks.${stack}.path in crossform.yaml` },
    );
  }
  return resolved;
}

/**
 * Makes `workRoot` a mirror of the repository root down to the stack (see the module comment),
 * creating or refreshing it; returns the mirrored stack directory and the names of the real
 * stack directory's entries.
 */
export async function mirrorStack(
  stack: ResolvedStack,
  workRoot: string,
): Promise<{ stackDir: string; stackNames: string[] }> {
  await mkdir(workRoot, { recursive: true, mode: PRIVATE });
  const segments = stack.fromRoot.split(sep).filter((s) => s !== "");
  let realDir = stack.root;
  let mirrorDir = workRoot;
  for (let i = 0; ; i += 1) {
    const child = segments[i];
    const names = await syncLevel(realDir, mirrorDir, child, child === undefined);
    if (child === undefined) return { stackDir: mirrorDir, stackNames: names };
    realDir = join(realDir, child);
    mirrorDir = join(mirrorDir, child);
  }
}

/** `.crossform/units/<stack>/<account>/<region>` of a unit. */
function unitDirOf(configDir: string, spec: UnitWorkspaceSpec): string {
  return join(
    configDir,
    CROSSFORM_DIR,
    "units",
    checkSegment(spec.stack, "stack", spec.unitId),
    checkSegment(spec.account, "account", spec.unitId),
    checkSegment(spec.region, "region", spec.unitId),
  );
}

/**
 * Where the unit's directories are, as {@link prepareUnitWorkspace} makes them, without creating
 * or changing anything (for a unit whose terraform may still run in them).
 * @throws CrossformError as {@link resolveStack}
 */
export async function locateUnitWorkspace(
  location: WorkspaceLocation,
  spec: UnitWorkspaceSpec,
): Promise<UnitLocation> {
  const stack = await resolveStack(location, spec.stack, spec.stackPath);
  const unitDir = unitDirOf(stack.configDir, spec);
  const workRoot = join(unitDir, "work");
  const stackDir = join(workRoot, stack.fromRoot);
  return {
    unitId: spec.unitId,
    workRoot,
    stackDir,
    dataDir: join(unitDir, "data"),
    erroredStateFile: join(stackDir, "errored.tfstate"),
  };
}

/**
 * Creates or refreshes the unit's working directory and data directory; see the module comment.
 * A data directory initialised for another bucket, key or region than the unit's backend file is
 * deleted (Terraform's recorded backend is compared; state is never migrated), and a workspace
 * selection left in it (`environment`) is removed: units always use the default workspace.
 * @throws CrossformError `run/stack-outside-repository`, `run/missing-stack-dir`,
 *   `run/missing-backend-file` (user errors), `run/workspace-conflict` when a file of the unit
 *   directory stands where a link belongs.
 */
export async function prepareUnitWorkspace(
  location: WorkspaceLocation,
  spec: UnitWorkspaceSpec,
): Promise<UnitWorkspace> {
  const stack = await resolveStack(location, spec.stack, spec.stackPath);
  const { configDir, realStackDir } = stack;
  const backendFile = join(realStackDir, "backends", `${spec.fileStem}.s3.tfbackend`);
  const varFile = join(realStackDir, "targets", `${spec.fileStem}.tfvars.json`);
  let backendText: string;
  try {
    backendText = await readFile(backendFile, "utf8");
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
    throw new CrossformError(
      "run/missing-backend-file",
      "user",
      `unit ${spec.unitId} has no backend file: ${backendFile} does not exist`,
      { hint: "run crossform generate, and commit the files it writes" },
    );
  }

  await ensurePrivateDirectory(join(configDir, CROSSFORM_DIR));
  const unitDir = unitDirOf(configDir, spec);
  await mkdir(unitDir, { recursive: true, mode: PRIVATE });

  const workRoot = join(unitDir, "work");
  const { stackDir: mirrorDir, stackNames } = await mirrorStack(stack, workRoot);

  const dataDir = join(unitDir, "data");
  let dataDirRebuilt: string | undefined;
  let recorded: string | undefined;
  try {
    recorded = await readFile(join(dataDir, "terraform.tfstate"), "utf8");
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
  if (recorded !== undefined) {
    const verdict = compareRecordedBackend(recorded, backendText);
    if (verdict.rebuild) {
      await rm(dataDir, { recursive: true, force: true });
      dataDirRebuilt = `data directory ${dataDir} rebuilt: ${verdict.reason}`;
    }
  }
  await rm(join(dataDir, "environment"), { force: true });
  await mkdir(dataDir, { recursive: true, mode: PRIVATE });

  return {
    unitId: spec.unitId,
    workRoot,
    stackDir: mirrorDir,
    realStackDir,
    dataDir,
    backendFile,
    varFile,
    erroredStateFile: join(mirrorDir, "errored.tfstate"),
    hasLockFile: stackNames.includes(LOCK_FILE),
    dataDirRebuilt,
  };
}
