/**
 * The `terraform:` section: the binary and its version constraint, which must parse and, with S3
 * locking (`use_lockfile`), admit no version below 1.10.
 */
import type { LockSetting } from "./model.ts";
import { DEFAULTS, S3_LOCKFILE_MINIMUM } from "./normalize-defaults.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import type { WrittenConfig } from "./schema.ts";
import { compareVersions, lowestAdmitted, parseConstraint } from "./terraform-version.ts";

/** The binary and the version constraint. */
export function normalizeTerraform(
  ctx: NormalizeContext,
  written: WrittenConfig,
  lock: LockSetting,
): { binary: string; version: string } {
  const binary = written.terraform?.binary ?? DEFAULTS.terraformBinary;
  const version = written.terraform?.version ?? DEFAULTS.terraformVersion;
  const clauses = parseConstraint(version);
  if (!clauses) {
    ctx.error(
      "config/invalid-version-constraint",
      ["terraform", "version"],
      `terraform.version "${version}" is not a version constraint`,
      'write a constraint such as ">= 1.10" or "~> 1.11"',
    );
  } else if (
    lock.kind === "s3" &&
    compareVersions(lowestAdmitted(clauses), S3_LOCKFILE_MINIMUM) < 0
  ) {
    ctx.error(
      "config/lock-needs-terraform-1.10",
      written.state?.lock ? ["state", "lock"] : ["terraform", "version"],
      `state locking with s3 (use_lockfile) needs ${binary === "tofu" ? "OpenTofu" : "Terraform"} >= 1.10, but terraform.version "${version}" admits older versions`,
      'raise terraform.version to ">= 1.10", or lock with a DynamoDB table: `lock: dynamodb:<table>`',
    );
  }

  return { binary, version };
}
