/**
 * Shell commands crossform prints for the operator to run by hand in a unit's working directory,
 * with its data directory: `terraform force-unlock` after a kill, `terraform state push` after a
 * lost state write. Printed only, never run by crossform.
 */
import type { UnitWorkspace } from "../../ports/terraform-runner.ts";

/** A word quoted for a POSIX shell when it needs to be. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `cd <work dir> && TF_DATA_DIR=<data dir> [AWS_PROFILE=<base.profile>] terraform <args>`: the
 * unit's backend and role as its own terraform processes saw them.
 */
export function unitShellCommand(
  workspace: Pick<UnitWorkspace, "stackDir" | "dataDir">,
  args: readonly string[],
  baseProfile: string | undefined,
  binary: string,
): string {
  const env = [`TF_DATA_DIR=${shellQuote(workspace.dataDir)}`];
  if (baseProfile !== undefined) env.push(`AWS_PROFILE=${shellQuote(baseProfile)}`);
  return `cd ${shellQuote(workspace.stackDir)} && ${env.join(" ")} ${[binary, ...args].map(shellQuote).join(" ")}`;
}
