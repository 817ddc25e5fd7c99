import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** The `hashicorp/aws` version the machine's filesystem mirror carries (TESTING.md). */
export const AWS_PROVIDER_VERSION = "5.100.0";

let found: string | undefined;

/**
 * The Terraform filesystem mirror holding the real `hashicorp/aws` provider: the directory named
 * by `CROSSFORM_TF_PROVIDER_MIRROR`, else the parent of the `registry.terraform.io` directory that
 * `find / -maxdepth 3` finds (TESTING.md). Throws, saying how to provide it, when there is none:
 * tests that need the real provider fail rather than skip.
 */
export function awsProviderMirror(): string {
  if (found !== undefined) return found;
  const fromEnv = process.env.CROSSFORM_TF_PROVIDER_MIRROR;
  const candidates =
    fromEnv !== undefined && fromEnv !== ""
      ? [fromEnv]
      : spawnSync("find", ["/", "-maxdepth", "3", "-type", "d", "-name", "registry.terraform.io"], {
          encoding: "utf8",
        })
          .stdout.split("\n")
          .filter((line) => line !== "")
          .map((line) => dirname(line));
  const mirror = candidates.find((dir) =>
    existsSync(join(dir, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION)),
  );
  if (mirror === undefined) {
    throw new Error(
      `no Terraform filesystem mirror with hashicorp/aws ${AWS_PROVIDER_VERSION} found (looked in ${candidates.join(", ") || "nothing find / -maxdepth 3 -name registry.terraform.io returned"}): set CROSSFORM_TF_PROVIDER_MIRROR to the directory that holds registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}`,
    );
  }
  found = mirror;
  return mirror;
}

/**
 * Writes a Terraform CLI configuration file that installs providers from the mirror only (the
 * registry cannot be reached), and returns its path: the value for `TF_CLI_CONFIG_FILE`.
 */
export async function writeMirrorCliConfig(dir: string): Promise<string> {
  const path = join(dir, "mirror.tfrc");
  await writeFile(
    path,
    [
      "provider_installation {",
      `  filesystem_mirror { path = ${JSON.stringify(awsProviderMirror())} }`,
      '  direct { exclude = ["registry.terraform.io/*/*"] }',
      "}",
      "",
    ].join("\n"),
  );
  return path;
}
