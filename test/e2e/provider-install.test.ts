// Provider installation once per run (decision 0025), with real terraform, the real
// hashicorp/aws provider from the filesystem mirror and moto_server: two stacks with different
// lock files that pin the same provider initialise at the same time on an empty plugin cache. The
// run installs the provider once, before either unit starts; both units' inits then only link it
// from the cache (no unit ever writes into it), at the same time.
import assert from "node:assert/strict";
import { lstat, mkdir, readFile, readdir, readlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import { emulatorCliEnv, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { AWS_PROVIDER_VERSION } from "../helpers/provider-mirror.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { providerTerraformEnv } from "../helpers/terraform.ts";

const QUICKSTART_LOCK = fileURLToPath(
  new URL("../../examples/quickstart/stacks/network/.terraform.lock.hcl", import.meta.url),
);

const CONFIG = `version: 1
base: { region: us-east-1 }
defaults: { role: TerraformDeploy, regions: [us-east-1] }
state: { bucket: "provider-install-{account_id}", key: "{stack}/terraform.tfstate", lock: s3 }
accounts:
  dev: { id: "111111111111" }
stacks:
  one: { path: stacks/one, accounts: [dev] }
  two: { path: stacks/two, accounts: [dev] }
`;

/** A stack that requires the aws provider (crossform wires it) and plans without calling AWS. */
const STACK = `terraform {
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

const root = await makeTempDir("provider-install");
const dir = join(root, "repo");
const home = join(root, "home");
let moto: MotoServer;

before(async () => {
  moto = await startMoto();
  const full = await readFile(QUICKSTART_LOCK, "utf8");
  // The second lock file pins the same provider with its linux_amd64 hash only: other bytes.
  const h1Only = full
    .split("\n")
    .filter((line) => !line.includes('"zh:'))
    .join("\n");
  assert.notEqual(h1Only, full);
  const files: Record<string, string> = {
    "crossform.yaml": CONFIG,
    ".gitignore": ".crossform/\n",
    "stacks/one/main.tf": STACK,
    "stacks/one/.terraform.lock.hcl": full,
    "stacks/two/main.tf": STACK,
    "stacks/two/.terraform.lock.hcl": h1Only,
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  for (const args of [["generate"], ["bootstrap", "--create-role"]]) {
    const result = await crossform(...args);
    assert.equal(result.code, 0, showResult(result));
  }
});
after(() => moto?.stop());

function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, {
    cwd: dir,
    env: providerTerraformEnv(emulatorCliEnv(moto.env, { home, root })),
  });
}

/** When a logged terraform command started and ended, from the log's `# <time> terraform ...` and `# exit ... after N s` lines. */
function spans(log: string, command: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const lines = log.split("\n");
  lines.forEach((line, i) => {
    const started = /^# (\S+) terraform (\S+)/.exec(line);
    if (!started || started[2] !== command) return;
    const start = Date.parse(started[1] as string);
    const ended = lines.slice(i + 1).find((l) => /^# exit .* after [\d.]+ s$/.test(l));
    const seconds = Number(/after ([\d.]+) s$/.exec(ended ?? "")?.[1]);
    assert.ok(Number.isFinite(seconds), `the log says how long ${command} took:\n${log}`);
    out.push({ start, end: start + seconds * 1000 });
  });
  return out;
}

/** Bytes under `path`, links counted as links (what the directory itself takes on disk). */
async function size(path: string): Promise<number> {
  const stats = await lstat(path);
  if (!stats.isDirectory()) return stats.size;
  let total = stats.size;
  for (const name of await readdir(path)) total += await size(join(path, name));
  return total;
}

test("two stacks with different lock files initialise at once: the provider is installed once before them, and each unit only links it", async () => {
  const result = await crossform("plan", "--parallel", "2", "--format", "json");
  assert.equal(result.code, 0, showResult(result));
  const report = parseRunReport(JSON.parse(result.stdout), "stdout");
  assert.deepEqual(
    report.units.map((u) => [u.id, u.status]),
    [
      ["one/dev/us-east-1", "succeeded"],
      ["two/dev/us-east-1", "succeeded"],
    ],
  );
  // One installation: the second lock file's provider was in the cache by then.
  assert.deepEqual(result.stderr.match(/installing the providers of .* once/g), [
    "installing the providers of one into the shared plugin cache once",
  ]);
  const providersDir = join(dir, ".crossform", "providers");
  const [installation] = await readdir(providersDir);
  assert.ok(installation, "the installation has its directory");
  const installLog = await readFile(join(providersDir, installation, "log"), "utf8");
  assert.match(installLog, /Installing hashicorp\/aws v5\.100\.0/);
  const [installed] = spans(installLog, "init");
  assert.ok(installed);

  const inits: { start: number; end: number }[] = [];
  for (const unit of report.units) {
    const log = await readFile(
      join(dir, ".crossform", "runs", report.run.id, "units", unit.id, "log"),
      "utf8",
    );
    assert.match(log, /Using hashicorp\/aws v5\.100\.0 from the shared cache directory/, unit.id);
    assert.doesNotMatch(
      log,
      /Installing hashicorp\/aws/,
      `${unit.id} writes nothing into the cache`,
    );
    const [init] = spans(log, "init");
    assert.ok(init, `${unit.id} ran init`);
    assert.ok(init.start >= installed.end, `${unit.id}'s init started after the installation`);
    inits.push(init);
  }
  const [a, b] = inits;
  assert.ok(a && b && a.start < b.end && b.start < a.end, "the two inits ran at the same time");

  // The cache holds one entry, a link into the mirror; each unit links the cache entry.
  const provider = join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);
  const cached = join(dir, ".crossform", "plugin-cache", provider, "linux_amd64");
  assert.ok((await lstat(cached)).isSymbolicLink());
  for (const unit of report.units) {
    const linked = join(dir, ".crossform", "units", unit.id, "data", "providers", provider);
    assert.equal(await readlink(join(linked, "linux_amd64")), cached);
  }
  // Far below one copy of the ~700 MB provider, however many units.
  const bytes = await size(join(dir, ".crossform"));
  assert.ok(bytes < 10 * 1024 * 1024, `.crossform/ takes ${bytes} bytes`);
});
