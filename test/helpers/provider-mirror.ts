// Where the real hashicorp/aws provider comes from for the end-to-end tests, the demo and the
// benchmarks when the registry cannot be reached: a Terraform filesystem mirror (a directory
// holding registry.terraform.io/hashicorp/aws/<version>/<platform>/). It is taken from
// CROSSFORM_TF_PROVIDER_MIRROR when set, else found the way the test machines' notes find it
// (`find / -maxdepth 3 -type d -name registry.terraform.io`; its parent).
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The environment variable naming a filesystem mirror explicitly. */
export const PROVIDER_MIRROR_ENV = "CROSSFORM_TF_PROVIDER_MIRROR";

/** The provider version the quickstart's lock files pin, which a mirror must hold. */
export const AWS_PROVIDER_VERSION = "5.100.0";

/** A filesystem mirror and how it was found. */
export interface ProviderMirror {
  /** Absolute path of the mirror: the directory holding `registry.terraform.io`. */
  path: string;
  /** `environment`: from CROSSFORM_TF_PROVIDER_MIRROR; `found`: found under `/`. */
  source: "environment" | "found";
}

/** Virtual file systems `find /` would only waste time in. */
const SKIPPED = new Set(["proc", "sys", "dev", "run"]);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function children(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** The directories at most three levels below `/` named registry.terraform.io, as `find` lists them. */
function registryDirectories(): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    for (const name of children(dir)) {
      if (depth === 1 && SKIPPED.has(name)) continue;
      const path = join(dir, name);
      if (name === "registry.terraform.io") found.push(path);
      else if (depth < 3) visit(path, depth + 1);
    }
  };
  visit("/", 1);
  return found;
}

/** Whether `mirror` holds hashicorp/aws at {@link AWS_PROVIDER_VERSION}. */
export function holdsAwsProvider(mirror: string): boolean {
  return isDirectory(
    join(mirror, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION),
  );
}

/**
 * The filesystem mirror: CROSSFORM_TF_PROVIDER_MIRROR when set (even when it does not hold the
 * provider, so that a wrong value is reported rather than passed over), else the first mirror
 * found under `/` that holds hashicorp/aws {@link AWS_PROVIDER_VERSION}; undefined when none.
 */
export function findProviderMirror(
  env: NodeJS.ProcessEnv = process.env,
): ProviderMirror | undefined {
  const given = env[PROVIDER_MIRROR_ENV];
  if (given !== undefined && given !== "") return { path: given, source: "environment" };
  for (const registry of registryDirectories()) {
    const mirror = join(registry, "..");
    if (holdsAwsProvider(mirror)) return { path: mirror, source: "found" };
  }
  return undefined;
}

/** Why no usable mirror is there, with what to do; undefined when `mirror` is usable. */
export function mirrorProblem(mirror: ProviderMirror | undefined): string | undefined {
  const wanted = `registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}`;
  if (mirror === undefined) {
    return (
      `no Terraform filesystem mirror holding hashicorp/aws ${AWS_PROVIDER_VERSION} was found ` +
      `(looked for ${PROVIDER_MIRROR_ENV}, then for a registry.terraform.io directory at most three levels below /); ` +
      `set ${PROVIDER_MIRROR_ENV} to a directory holding ${wanted}/<platform>/ ` +
      `(terraform providers mirror <dir> writes one where the registry can be reached)`
    );
  }
  if (!holdsAwsProvider(mirror.path)) {
    return `${PROVIDER_MIRROR_ENV}=${mirror.path} does not hold ${wanted}; point it at a Terraform filesystem mirror that does`;
  }
  return undefined;
}

/**
 * The mirror the end-to-end tests use; throws with what to do when there is none (the tests never
 * skip the real provider).
 */
export function requireProviderMirror(env: NodeJS.ProcessEnv = process.env): string {
  const mirror = findProviderMirror(env);
  const problem = mirrorProblem(mirror);
  if (problem !== undefined || mirror === undefined) throw new Error(problem);
  return mirror.path;
}

/**
 * A Terraform CLI configuration that installs providers from `mirror` only (the registry is never
 * asked, so a missing provider fails at once instead of timing out on the network).
 */
export function mirrorCliConfig(mirror: string): string {
  return [
    "# written by crossform's tests and demo: providers come from this filesystem mirror only",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path = ${JSON.stringify(mirror)}`,
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Writes {@link mirrorCliConfig} to `path` (0600) and returns `path`. */
export function writeMirrorCliConfigFile(path: string, mirror: string): string {
  writeFileSync(path, mirrorCliConfig(mirror), { mode: 0o600 });
  return path;
}

let required: string | undefined;

/** {@link requireProviderMirror}, found once per process. */
export function awsProviderMirror(): string {
  required ??= requireProviderMirror();
  return required;
}

/**
 * Writes a Terraform CLI configuration that installs providers from the mirror only into `dir`
 * (as `mirror.tfrc`) and returns its path: the value for `TF_CLI_CONFIG_FILE`.
 */
export async function writeMirrorCliConfig(dir: string): Promise<string> {
  const path = join(dir, "mirror.tfrc");
  await writeFile(path, mirrorCliConfig(awsProviderMirror()), { mode: 0o600 });
  return path;
}
