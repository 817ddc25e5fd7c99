// Where the demo's hashicorp/aws provider comes from, and the check that it can be installed
// before anything else runs. A filesystem mirror is used when CROSSFORM_TF_PROVIDER_MIRROR names one
// or one is found under / (the machines without registry access carry one); otherwise the
// registry. The demo's own Terraform CLI configuration (TF_CLI_CONFIG_FILE under .crossform/demo/)
// says which: the user's ~/.terraformrc is never read.
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTreeSitterHclParser } from "../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { lockedProviders, providerInstallModule } from "../src/core/run/provider-install.ts";
import { providerInstallArgs } from "../src/core/run/terraform-args.ts";
import {
  findProviderMirror,
  mirrorCliConfig,
  mirrorProblem,
  PROVIDER_MIRROR_ENV,
} from "../test/helpers/provider-mirror.ts";

/** Where the provider comes from, for the demo's messages. */
export interface ProviderSource {
  /** Text for the demo's output: `the filesystem mirror /opt/tf-plugins (found under /)`. */
  description: string;
  /** The demo's Terraform CLI configuration. */
  cliConfig: string;
}

/** The provider's source, or why none can serve: a mirror named but unusable. */
export function providerSource(env: NodeJS.ProcessEnv): ProviderSource | { problem: string } {
  const mirror = findProviderMirror(env);
  if (mirror === undefined) {
    return {
      description: `registry.terraform.io (no filesystem mirror: ${PROVIDER_MIRROR_ENV} is unset and none was found under /)`,
      cliConfig:
        "# the demo's own Terraform CLI configuration: providers from the registry (TF_CLI_CONFIG_FILE)\n",
    };
  }
  const problem = mirrorProblem(mirror);
  if (problem !== undefined) return { problem };
  const how = mirror.source === "environment" ? `from ${PROVIDER_MIRROR_ENV}` : "found under /";
  return {
    description: `the filesystem mirror ${mirror.path} (${how})`,
    cliConfig: mirrorCliConfig(mirror.path),
  };
}

/** What the installation check found: the providers, or terraform's reason. */
export type InstallCheck = { ok: true; providers: string[] } | { ok: false; reason: string };

/**
 * Installs the providers `lockFile` pins into `pluginCacheDir` from `source`, as crossform's run
 * does (a module requiring exactly them, `init -backend=false -lockfile=readonly`), in `dir`.
 */
export async function checkProviderInstall(options: {
  lockFile: string;
  dir: string;
  pluginCacheDir: string;
  env: NodeJS.ProcessEnv;
}): Promise<InstallCheck> {
  const parser = await createTreeSitterHclParser();
  const text = await readFile(options.lockFile, "utf8");
  const read = lockedProviders(parser.parse(options.lockFile, text));
  if (!read.ok) return { ok: false, reason: `${options.lockFile}: ${read.problem}` };
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await mkdir(options.pluginCacheDir, { recursive: true, mode: 0o700 });
  await writeFile(join(options.dir, "main.tf"), providerInstallModule(read.providers));
  await writeFile(join(options.dir, ".terraform.lock.hcl"), text);
  const result = await terraform(providerInstallArgs(), {
    cwd: options.dir,
    env: {
      ...options.env,
      TF_DATA_DIR: join(options.dir, "data"),
      TF_PLUGIN_CACHE_DIR: options.pluginCacheDir,
      TF_IN_AUTOMATION: "1",
    },
  });
  if (result.code !== 0) {
    const lines = result.stderr
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "");
    return {
      ok: false,
      reason: lines.slice(-8).join("\n") || `terraform exited with ${result.code}`,
    };
  }
  return { ok: true, providers: read.providers.map((p) => `${p.address} ${p.version}`) };
}

function terraform(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("terraform", [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (error) =>
      resolve({ code: null, stderr: `cannot run terraform: ${error.message}` }),
    );
    child.once("close", (code) => resolve({ code, stderr }));
  });
}
