/**
 * Which Terraform or OpenTofu crossform found, and whether it may run (docs/contract.md section 1):
 * Terraform >= 1.6, OpenTofu >= 1.8, both >= 1.10 for `lock: s3`, and the configured
 * `terraform.version` constraint. Checked in preflight, before any unit starts.
 */
import type { LockSetting } from "../config/model.ts";
import {
  compareVersions,
  parseConstraint,
  parseVersion,
  satisfies,
} from "../config/terraform-version.ts";
import type { Version } from "../config/terraform-version.ts";
import { CrossformError } from "../errors.ts";

/** Which implementation a binary is. */
export type TerraformFlavor = "terraform" | "tofu";

/** What `<binary> version` reported. */
export interface TerraformVersionInfo {
  /** The binary as configured (`terraform.binary`): a name on the PATH or a path. */
  binary: string;
  flavor: TerraformFlavor;
  /** `1.11.4` (no leading `v`; a pre-release suffix such as `-beta1` kept). */
  version: string;
  /**
   * The platform providers are installed for, `<os>_<arch>` (`linux_amd64`), from the `on ...`
   * line; undefined when the output has none.
   */
  platform?: string;
}

/** The oldest version crossform runs, per flavor (the S3 backend's `assume_role` block). */
export const MINIMUM_VERSION: Readonly<Record<TerraformFlavor, Version>> = {
  terraform: [1, 6, 0],
  tofu: [1, 8, 0],
};

/** The oldest version whose S3 backend locks with `use_lockfile` (`lock: s3`). */
export const S3_LOCKFILE_VERSION: Version = [1, 10, 0];

const PRODUCT: Readonly<Record<TerraformFlavor, string>> = {
  terraform: "Terraform",
  tofu: "OpenTofu",
};

/**
 * Reads the first line of `<binary> version` (`Terraform v1.11.4`, `OpenTofu v1.8.0`); undefined
 * when the text is neither. The text form is read rather than `version -json` because only it
 * names the implementation: OpenTofu's JSON uses Terraform's `terraform_version` key.
 */
export function parseVersionOutput(
  binary: string,
  stdout: string,
): TerraformVersionInfo | undefined {
  const match = /^(Terraform|OpenTofu) v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/m.exec(stdout);
  if (!match) return undefined;
  const platform = /^on ([a-z0-9]+_[a-z0-9]+)\s*$/m.exec(stdout)?.[1];
  return {
    binary,
    flavor: match[1] === "OpenTofu" ? "tofu" : "terraform",
    version: match[2] as string,
    ...(platform !== undefined ? { platform } : {}),
  };
}

/** What the configuration asks of the binary. */
export interface VersionRequirement {
  /** `terraform.version` of crossform.yaml, e.g. `>= 1.10`. */
  constraint: string;
  /** `state.lock`: `s3` needs >= 1.10. */
  lock: LockSetting;
}

function show(version: Version): string {
  return version[2] === 0 ? `${version[0]}.${version[1]}` : version.join(".");
}

/**
 * Undefined when `found` may run under `requirement`; otherwise the reason, naming the minimum
 * and what to change. Checks, in order: the flavor's floor, `lock: s3`, the constraint.
 */
export function checkTerraformVersion(
  found: TerraformVersionInfo,
  requirement: VersionRequirement,
): CrossformError | undefined {
  const product = PRODUCT[found.flavor];
  const version = parseVersion(found.version);
  if (!version) {
    return new CrossformError(
      "terraform/unknown-version",
      "external",
      `cannot read the version "${found.version}" reported by ${found.binary}`,
      { hint: `run "${found.binary} version" and check that it is Terraform or OpenTofu` },
    );
  }
  const floor = MINIMUM_VERSION[found.flavor];
  if (compareVersions(version, floor) < 0) {
    return new CrossformError(
      "terraform/too-old",
      "user",
      `${product} ${found.version} (${found.binary}) is older than ${show(floor)}, the oldest crossform supports`,
      {
        hint: `install ${product} >= ${show(floor)}, or point terraform.binary in crossform.yaml at a newer binary`,
      },
    );
  }
  if (requirement.lock.kind === "s3" && compareVersions(version, S3_LOCKFILE_VERSION) < 0) {
    return new CrossformError(
      "terraform/lock-needs-1.10",
      "user",
      `state.lock s3 (use_lockfile) needs ${product} >= ${show(S3_LOCKFILE_VERSION)}, but ${found.binary} is ${found.version}`,
      {
        hint: `install ${product} >= ${show(S3_LOCKFILE_VERSION)}, or lock with a DynamoDB table: state.lock: dynamodb:<table>`,
      },
    );
  }
  const clauses = parseConstraint(requirement.constraint);
  if (!clauses) {
    return new CrossformError(
      "terraform/invalid-constraint",
      "user",
      `terraform.version "${requirement.constraint}" is not a version constraint`,
      { hint: 'write a constraint such as ">= 1.10" or "~> 1.11"' },
    );
  }
  if (!satisfies(version, clauses)) {
    return new CrossformError(
      "terraform/version-mismatch",
      "user",
      `${product} ${found.version} (${found.binary}) does not satisfy terraform.version "${requirement.constraint}" of crossform.yaml`,
      {
        hint: `install a version the constraint admits, or change terraform.version in crossform.yaml`,
      },
    );
  }
  return undefined;
}
