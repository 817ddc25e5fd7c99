// Provider installation once per run: what prepareProviderSets asks terraform to do for the lock
// files of the selected stacks, on a recording fake of terraform over real temporary directories
// and the real HCL parser. The real provider against real terraform is tested end to end in
// test/e2e/provider-install.test.ts.
import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, test } from "node:test";
import { AtomicFileWriter } from "../../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { loadConfig } from "../../../../src/app/load-config.ts";
import type { LoadedConfig } from "../../../../src/app/load-config.ts";
import { prepareProviderSets } from "../../../../src/app/run/provider-sets.ts";
import type { ProviderSetDeps } from "../../../../src/app/run/provider-sets.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";
import type { ProgressEvent } from "../../../../src/ports/event-sink.ts";
import { FakeTerraformRunner } from "../../../helpers/fake-terraform-runner.ts";
import type { FakeScript } from "../../../helpers/fake-terraform-runner.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

const CONFIG = `version: 1
accounts:
  dev: { id: "111111111111" }
  prod: { id: "333333333333" }
stacks:
  network: { path: stacks/network, accounts: [dev, prod] }
  app: { path: stacks/app, accounts: [dev, prod] }
  dns: { path: stacks/dns, accounts: [dev] }
  builtin: { path: stacks/builtin, accounts: [dev] }
`;

function lockFile(providers: [string, string][]): string {
  return [
    '# This file is maintained automatically by "terraform init".',
    "# Manual edits may be lost in future updates.",
    "",
    ...providers.flatMap(([address, version]) => [
      `provider "${address}" {`,
      `  version     = "${version}"`,
      `  constraints = "${version}"`,
      "  hashes = [",
      '    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",',
      "  ]",
      "}",
      "",
    ]),
  ].join("\n");
}

const AWS = lockFile([["registry.terraform.io/hashicorp/aws", "5.100.0"]]);
const AWS_AND_RANDOM = lockFile([
  ["registry.terraform.io/hashicorp/aws", "5.100.0"],
  ["registry.terraform.io/hashicorp/random", "3.7.2"],
]);

interface Setup {
  root: string;
  loaded: LoadedConfig;
  runner: FakeTerraformRunner;
  deps: ProviderSetDeps;
  events: ProgressEvent[];
}

async function setup(files: Record<string, string>, script?: FakeScript): Promise<Setup> {
  const root = await makeTempDir("provider-sets");
  const all = { "crossform.yaml": CONFIG, ...files };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const fs = new NodeFileSystem();
  const loaded = await loadConfig(fs, { cwd: root });
  assert.ok(loaded.ok, "the test configuration is valid");
  const runner = new FakeTerraformRunner(root, script);
  runner.versionInfo = { ...runner.versionInfo, platform: "linux_amd64" };
  const events: ProgressEvent[] = [];
  const deps: ProviderSetDeps = {
    fs,
    writer: new AtomicFileWriter(),
    parser,
    runner,
    events: { emit: (event) => events.push(event) },
  };
  return { root, loaded, runner, deps, events };
}

const PROVIDER_STACKS = new Set(["stacks/network", "stacks/app", "stacks/dns"]);

test("each distinct lock file is installed once, from a module requiring exactly its providers, before any unit", async () => {
  const s = await setup({
    "stacks/network/.terraform.lock.hcl": AWS,
    "stacks/app/.terraform.lock.hcl": AWS,
    "stacks/dns/.terraform.lock.hcl": AWS_AND_RANDOM,
  });
  const result = await prepareProviderSets(s.deps, s.loaded, s.loaded.units.units, PROVIDER_STACKS);
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(result.groups, new Map(), "no unit has to init alone");
  assert.deepEqual(
    result.installed.map((i) => [i.stacks, i.status]),
    [
      [["network", "app"], "installed"],
      [["dns"], "installed"],
    ],
  );
  // Two terraform processes, one after the other, none in a unit's directories.
  assert.deepEqual(
    s.runner.calls.map((c) => [
      c.args.join(" "),
      c.cwd.startsWith(join(s.root, ".crossform", "providers")),
    ]),
    [
      ["init -backend=false -input=false -no-color -lockfile=readonly", true],
      ["init -backend=false -input=false -no-color -lockfile=readonly", true],
    ],
  );
  const [first, second] = s.runner.calls;
  assert.ok(first && second);
  assert.equal(await readFile(join(first.cwd, ".terraform.lock.hcl"), "utf8"), AWS);
  assert.equal(await readFile(join(second.cwd, ".terraform.lock.hcl"), "utf8"), AWS_AND_RANDOM);
  assert.match(
    await readFile(join(second.cwd, "main.tf"), "utf8"),
    /required_providers \{\n {4}aws = \{\n {6}source {2}= "registry\.terraform\.io\/hashicorp\/aws"\n {6}version = "5\.100\.0"\n {4}\}\n {4}random = \{\n {6}source {2}= "registry\.terraform\.io\/hashicorp\/random"\n {6}version = "3\.7\.2"\n/,
  );
  assert.equal(first.dataDir, join(first.cwd, "data"));
  assert.equal((await stat(join(s.root, ".crossform", "plugin-cache"))).mode & 0o777, 0o700);
  assert.ok(
    s.events.some(
      (e) =>
        e.type === "message" &&
        /installing the providers of network, app into the shared plugin cache once: registry\.terraform\.io\/hashicorp\/aws 5\.100\.0/.test(
          e.text,
        ),
    ),
  );
});

test("a lock file whose providers are all in the cache for this platform starts no terraform", async () => {
  const s = await setup({
    "stacks/network/.terraform.lock.hcl": AWS,
    "stacks/dns/.terraform.lock.hcl": AWS_AND_RANDOM,
  });
  const cache = join(s.root, ".crossform", "plugin-cache", "registry.terraform.io", "hashicorp");
  await mkdir(join(cache, "aws", "5.100.0", "linux_amd64"), { recursive: true });
  const stacks = new Set(["stacks/network", "stacks/dns"]);
  const network = s.loaded.units.units.filter((u) => u.stack === "network");
  const cached = await prepareProviderSets(s.deps, s.loaded, network, stacks);
  assert.deepEqual(
    cached.installed.map((i) => i.status),
    ["cached"],
  );
  assert.deepEqual(s.runner.calls, []);
  // random is not there for linux_amd64 (another platform's entry does not count): dns installs.
  await mkdir(join(cache, "random", "3.7.2", "darwin_arm64"), { recursive: true });
  const dns = await prepareProviderSets(s.deps, s.loaded, s.loaded.units.units, stacks);
  assert.deepEqual(
    dns.installed.map((i) => [i.stacks, i.status]),
    [
      [["network"], "cached"],
      [["dns"], "installed"],
    ],
  );
  assert.equal(s.runner.calls.length, 1);
});

test("an installation that fails is an error naming the lock file and its log; later sets are not tried", async () => {
  const s = await setup(
    {
      "stacks/network/.terraform.lock.hcl": AWS,
      "stacks/dns/.terraform.lock.hcl": AWS_AND_RANDOM,
    },
    () => ({
      exitCode: 1,
      stderr:
        "Error: Failed to query available provider packages\ncould not connect to registry.terraform.io",
    }),
  );
  const result = await prepareProviderSets(
    s.deps,
    s.loaded,
    s.loaded.units.units,
    new Set(["stacks/network", "stacks/dns"]),
  );
  assert.equal(s.runner.calls.length, 1);
  assert.deepEqual(
    result.diagnostics.map((d) => d.code),
    ["run/provider-install-failed"],
  );
  const message = result.diagnostics[0]?.message ?? "";
  assert.match(
    message,
    /^the providers stacks\/network\/\.terraform\.lock\.hcl pins could not be installed \(registry\.terraform\.io\/hashicorp\/aws 5\.100\.0\); no unit was started \(log: \.crossform\/providers\/[0-9a-f]{16}\/log\)/,
  );
  assert.match(message, /could not connect to registry\.terraform\.io$/);
});

test("a lock file that cannot be read is an error naming it, and nothing is installed", async () => {
  const s = await setup({
    "stacks/network/.terraform.lock.hcl":
      'provider "registry.terraform.io/hashicorp/aws" {\n  hashes = []\n}\n',
  });
  const result = await prepareProviderSets(
    s.deps,
    s.loaded,
    s.loaded.units.units,
    new Set(["stacks/network"]),
  );
  assert.deepEqual(
    result.diagnostics.map((d) => [d.code, d.message]),
    [
      [
        "run/lock-file-unreadable",
        "stacks/network/.terraform.lock.hcl: the provider block at line 1 has no full address and exact version",
      ],
    ],
  );
  assert.deepEqual(s.runner.calls, []);
});

test("a stack without a lock file gets one from init in its directory first, then its providers are installed", async () => {
  const s = await setup({ "stacks/network/main.tf": "# needs aws\n" }, (call) => {
    // What terraform init does in the stack directory: it writes the lock file.
    if (call.cwd.endsWith("stacks/network"))
      writeFileSync(join(call.cwd, ".terraform.lock.hcl"), AWS);
    return { exitCode: 0 };
  });
  const result = await prepareProviderSets(
    s.deps,
    s.loaded,
    s.loaded.units.units,
    new Set(["stacks/network"]),
  );
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(
    s.runner.calls.map((c) => [c.args.join(" "), c.cwd === join(s.root, "stacks", "network")]),
    [
      ["init -backend=false -input=false -no-color", true],
      ["init -backend=false -input=false -no-color -lockfile=readonly", false],
    ],
  );
});

test("stacks that need no providers are left alone", async () => {
  const s = await setup({ "stacks/builtin/main.tf": 'resource "terraform_data" "x" {}\n' });
  const result = await prepareProviderSets(s.deps, s.loaded, s.loaded.units.units, new Set());
  assert.deepEqual(result, { groups: new Map(), diagnostics: [], installed: [] });
  assert.deepEqual(s.runner.calls, []);
});
