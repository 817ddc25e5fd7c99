/**
 * A stack's scratch directories for `crossform validate --terraform`:
 * `.crossform/validate/<stack>/work`, a mirror of the repository root made the way a unit's is
 * (unit-workspace.ts), so that `terraform init` and `validate` run on the user's files without
 * writing into the user's tree (no `.terraform/`, no new `.terraform.lock.hcl` there), and
 * `.../data`, the `TF_DATA_DIR`, kept between runs so that modules and provider links are reused.
 */
import { lstat, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { CrossformError } from "../../core/errors.ts";
import type { StackWorkspace, StackWorkspaceSpec } from "../../ports/terraform-runner.ts";
import {
  CROSSFORM_DIR,
  LOCK_FILE,
  ensurePrivateDirectory,
  mirrorStack,
  resolveStack,
} from "./unit-workspace.ts";
import type { WorkspaceLocation } from "./unit-workspace.ts";

const PRIVATE = 0o700;

function checkStackName(stack: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || stack === "." || stack === "..") {
    throw new CrossformError(
      "validate/invalid-stack-path",
      "internal",
      `stack "${stack}" cannot name a directory`,
      { hint: "stack names are checked by validate; report this as a bug" },
    );
  }
  return stack;
}

/**
 * Creates or refreshes the stack's scratch directories; see the module comment. Its log is
 * emptied. Without a lock file in the stack, a lock file an earlier init wrote into the mirror is
 * removed first: it is not the user's, and it must not pin providers the stack no longer asks for.
 * @throws CrossformError `run/stack-outside-repository`, `run/missing-stack-dir` (user errors),
 *   `run/workspace-conflict` when a file of the scratch directory stands where a link belongs.
 */
export async function prepareStackWorkspace(
  location: WorkspaceLocation,
  spec: StackWorkspaceSpec,
): Promise<StackWorkspace> {
  const stack = await resolveStack(location, spec.stack, spec.stackPath);
  const crossformDir = join(stack.configDir, CROSSFORM_DIR);
  await ensurePrivateDirectory(crossformDir);
  const dir = join(crossformDir, "validate", checkStackName(spec.stack));
  await mkdir(dir, { recursive: true, mode: PRIVATE });
  const workRoot = join(dir, "work");
  const stackDir = join(workRoot, stack.fromRoot);
  const staleLock = join(stackDir, LOCK_FILE);
  const written = await lstat(staleLock).catch(() => undefined);
  if (written !== undefined && !written.isSymbolicLink()) await rm(staleLock, { force: true });
  const mirrored = await mirrorStack(stack, workRoot);
  const dataDir = join(dir, "data");
  await mkdir(dataDir, { recursive: true, mode: PRIVATE });
  const logFile = join(dir, "log");
  await rm(logFile, { force: true });
  return {
    stack: spec.stack,
    workRoot,
    stackDir: mirrored.stackDir,
    realStackDir: stack.realStackDir,
    repositoryRoot: stack.root,
    dataDir,
    logFile,
    hasLockFile: mirrored.stackNames.includes(LOCK_FILE),
  };
}
