// Benchmark of provider installation (goal P7, decision 0025): the init of N units of one stack
// that needs the real hashicorp/aws provider (about 700 MB unpacked), through crossform, against N
// plain `terraform init`s each with its own data directory and no plugin cache (what a shell loop
// over `crossform explain`'s commands does). Time and disk use, in one run, with the ratios.
// Run it with the project's Node 24 after a build:
//   npm run build && npx node bench/provider-install.ts [--units 24] [--parallel 4] [--source packed|mirror] [--keep]
// --source packed (the default) installs from a packed filesystem mirror, built once in the
// temporary directory by zipping the provider of the unpacked mirror (test/helpers/provider-mirror.ts):
// Terraform then unpacks the archive on every install, as it does with a registry download, which
// is what a machine with registry access pays. --source mirror uses the unpacked mirror itself,
// from which Terraform links instead of copying, with or without a cache.
// The crossform side runs `crossform output` (preflight, the provider installation of the run,
// then init and a `terraform output` per unit) with its default plugin cache under .crossform/;
// the plain side runs the init crossform runs for a unit, with TF_PLUGIN_CACHE_DIR unset, N/parallel
// at a time. Disk use is `du` of the data directories (plain) against `du` of .crossform/ (crossform,
// the plugin cache included), symbolic links counted as links. Not part of `npm test`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startMoto } from "../test/helpers/moto.ts";
import type { MotoServer } from "../test/helpers/moto.ts";
import {
  AWS_PROVIDER_VERSION,
  mirrorCliConfig,
  requireProviderMirror,
} from "../test/helpers/provider-mirror.ts";

const { values } = parseArgs({
  options: {
    units: { type: "string", default: "24" },
    parallel: { type: "string", default: "4" },
    source: { type: "string", default: "packed" },
    keep: { type: "boolean", default: false },
  },
});
const UNITS = Number(values.units);
const PARALLEL = Number(values.parallel);
const SOURCE = values.source;
for (const [flag, value] of [
  ["--units", UNITS],
  ["--parallel", PARALLEL],
] as const) {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${flag} ${value} is not a whole number of at least 1`);
  }
}
if (SOURCE !== "packed" && SOURCE !== "mirror") {
  throw new Error(`--source ${SOURCE}: use packed or mirror`);
}

const repo = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repo, "dist", "cli", "main.js");
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const LOCK_FILE = join(repo, "examples", "quickstart", "stacks", "network", ".terraform.lock.hcl");
const PLATFORM = "linux_amd64";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({ code, stdout, stderr, wallMs: performance.now() - started }),
    );
  });
}

async function mustRun(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Run> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** Disk use of `path` in bytes (`du -s`, links not followed). */
async function diskUse(path: string): Promise<number> {
  const result = await mustRun("du", ["-s", "-B1", path], { cwd: "/", env: process.env });
  return Number(result.stdout.split(/\s/)[0]);
}

/**
 * From the first unit init's start to the last one's end, in ms: the init phase alone, read from
 * the unit logs of the run (`# <time> terraform init ...`, then `# exit 0 after N s`).
 */
async function initMakespan(runDir: string): Promise<number> {
  const logs = await mustRun("find", [runDir, "-name", "log", "-type", "f"], {
    cwd: "/",
    env: process.env,
  });
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const path of logs.stdout.split("\n").filter((l) => l !== "")) {
    const lines = (await readFile(path, "utf8")).split("\n");
    lines.forEach((line, i) => {
      const started = /^# (\S+) terraform init /.exec(line);
      if (!started) return;
      const start = Date.parse(started[1] as string);
      const ended = lines.slice(i + 1).find((l) => /^# exit .* after [\d.]+ s$/.test(l));
      const seconds = Number(/after ([\d.]+) s$/.exec(ended ?? "")?.[1] ?? "0");
      first = Math.min(first, start);
      last = Math.max(last, start + seconds * 1000);
    });
  }
  return last - first;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A packed filesystem mirror: the provider of `mirror` zipped as the registry ships it,
 * `registry.terraform.io/hashicorp/aws/terraform-provider-aws_<version>_<platform>.zip`.
 */
async function packedMirror(mirror: string, dir: string): Promise<string> {
  const from = join(
    mirror,
    "registry.terraform.io",
    "hashicorp",
    "aws",
    AWS_PROVIDER_VERSION,
    PLATFORM,
  );
  const to = join(dir, "registry.terraform.io", "hashicorp", "aws");
  await mkdir(to, { recursive: true });
  const zip = join(to, `terraform-provider-aws_${AWS_PROVIDER_VERSION}_${PLATFORM}.zip`);
  log(`packing the provider of ${mirror} into ${zip} (once)`);
  await mustRun("zip", ["-q", "-1", "-r", zip, "."], { cwd: from, env: process.env });
  log(`  ${mb(await diskUse(zip))} archive`);
  return dir;
}

function fixture(units: number): { config: string; stack: string } {
  const accounts = Array.from({ length: units }, (_, i) => ({
    name: `a${String(i + 1).padStart(2, "0")}`,
    id: String(712000000000 + i + 1),
  }));
  const config = [
    "version: 1",
    "base: { region: us-east-1 }",
    "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
    'state: { bucket: "bench-providers-{account_id}", key: "{stack}/terraform.tfstate", lock: s3 }',
    "accounts:",
    ...accounts.map((a) => `  ${a.name}: { id: "${a.id}" }`),
    "stacks:",
    `  app: { path: stacks/app, accounts: [${accounts.map((a) => a.name).join(", ")}] }`,
    `waves: [[${accounts.map((a) => a.name).join(", ")}]]`,
    "",
  ].join("\n");
  const stack = `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

resource "terraform_data" "unit" {
  input = var.crossform_account_id
}
`;
  return { config, stack };
}

/** The N plain inits, `parallel` at a time, each in its own data directory, no plugin cache. */
async function plainInits(
  stackDir: string,
  dataRoot: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const names = Array.from({ length: UNITS }, (_, i) => `a${String(i + 1).padStart(2, "0")}`);
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next] as string;
      next += 1;
      await mustRun(
        "terraform",
        [
          "init",
          "-reconfigure",
          "-input=false",
          "-no-color",
          "-lockfile=readonly",
          `-backend-config=backends/${name}.s3.tfbackend`,
        ],
        { cwd: stackDir, env: { ...env, TF_DATA_DIR: join(dataRoot, name) } },
      );
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return performance.now() - started;
}

async function main(): Promise<void> {
  const mirror = requireProviderMirror();
  const work = await mkdtemp(join(tmpdir(), "crossform-bench-providers-"));
  let moto: MotoServer | undefined;
  try {
    const source = SOURCE === "packed" ? await packedMirror(mirror, join(work, "packed")) : mirror;
    const cliConfig = join(work, "terraformrc");
    await writeFile(cliConfig, mirrorCliConfig(source));
    const dir = join(work, "repo");
    const { config, stack } = fixture(UNITS);
    await mkdir(join(dir, "stacks", "app"), { recursive: true });
    await writeFile(join(dir, "crossform.yaml"), config);
    await writeFile(join(dir, ".gitignore"), ".crossform/\n");
    await writeFile(join(dir, "stacks", "app", "main.tf"), stack);
    await writeFile(join(dir, "stacks", "app", ".terraform.lock.hcl"), await readFile(LOCK_FILE));
    moto = await startMoto();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: work,
      TMPDIR: process.env.TMPDIR,
      ...moto.env,
      AWS_CONFIG_FILE: join(work, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(work, "aws-credentials"),
      TF_CLI_CONFIG_FILE: cliConfig,
      CHECKPOINT_DISABLE: "1",
      CI: "true",
    };
    await mustRun(process.execPath, [cli, "generate"], { cwd: dir, env });
    await mustRun(process.execPath, [cli, "bootstrap"], { cwd: dir, env });
    const cpus = availableParallelism();
    log(
      `${UNITS} units of one stack needing hashicorp/aws ${AWS_PROVIDER_VERSION}, --parallel ${PARALLEL}, ${cpus} CPUs, load ${loadavg()[0]?.toFixed(1)}, source: ${SOURCE === "packed" ? "packed filesystem mirror (unpacked on every install, as a registry download)" : `the unpacked mirror ${mirror} (linked)`}`,
    );

    const dataRoot = join(work, "plain-data");
    const plainMs = await plainInits(join(dir, "stacks", "app"), dataRoot, env);
    const plainBytes = await diskUse(dataRoot);
    log(
      `plain: ${UNITS} inits in ${(plainMs / 1000).toFixed(1)} s, data directories ${mb(plainBytes)}`,
    );
    await rm(dataRoot, { recursive: true, force: true });

    const crossform = await mustRun(
      process.execPath,
      [cli, "output", "--parallel", String(PARALLEL)],
      { cwd: dir, env },
    );
    const crossformBytes = await diskUse(join(dir, ".crossform"));
    const cacheBytes = await diskUse(join(dir, ".crossform", "plugin-cache"));
    const installs = crossform.stderr.match(/installing the providers of .* once/g)?.length ?? 0;
    const runId = /^run (\S+) recorded in /m.exec(crossform.stderr)?.[1] ?? "";
    const initsMs = await initMakespan(join(dir, ".crossform", "runs", runId));
    log(
      `crossform: output of ${UNITS} units (preflight, ${installs} provider installation, init and output each) in ${(crossform.wallMs / 1000).toFixed(1)} s, .crossform/ ${mb(crossformBytes)} (plugin cache ${mb(cacheBytes)})`,
    );
    process.stdout.write(
      [
        `source ${SOURCE}, ${UNITS} units, --parallel ${PARALLEL}`,
        `  time: plain ${(plainMs / 1000).toFixed(1)} s, crossform ${(crossform.wallMs / 1000).toFixed(1)} s (whole command), ratio ${(crossform.wallMs / plainMs).toFixed(2)}`,
        `  inits alone: plain ${(plainMs / 1000).toFixed(1)} s, crossform ${(initsMs / 1000).toFixed(1)} s (first unit init to last), ratio ${(initsMs / plainMs).toFixed(2)}`,
        `  disk: plain ${mb(plainBytes)}, crossform ${mb(crossformBytes)}, ratio ${(crossformBytes / plainBytes).toFixed(3)}`,
        "",
      ].join("\n"),
    );
  } finally {
    await moto?.stop();
    if (values.keep) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

await main();
