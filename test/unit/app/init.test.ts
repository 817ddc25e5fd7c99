import assert from "node:assert/strict";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { AtomicFileWriter } from "../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { discoverOrganization, parseOuTiers } from "../../../src/app/discover.ts";
import { init, schemaReference, SCHEMA_URL } from "../../../src/app/init.ts";
import type { InitRequest } from "../../../src/app/init.ts";
import { readConfigText } from "../../../src/core/config/read-config.ts";
import { CrossformError } from "../../../src/core/errors.ts";
import { sampleOrganization } from "../../helpers/fake-organization.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const deps = { fs: new NodeFileSystem(), writer: new AtomicFileWriter() };

function request(dir: string, extra: Partial<InitRequest> = {}): InitRequest {
  return {
    path: join(dir, "crossform.yaml"),
    file: "crossform.yaml",
    schemaFile: undefined,
    region: "eu-central-1",
    profile: undefined,
    ...extra,
  };
}

test("init writes a commented starter that validates, with the schema line first", async () => {
  const dir = await makeTempDir("init-starter");
  const report = await init(deps, request(dir));
  const text = await readFile(join(dir, "crossform.yaml"), "utf8");
  assert.equal(text.split("\n")[0], `# yaml-language-server: $schema=${SCHEMA_URL}`);
  const read = readConfigText(text, "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics));
  assert.equal(read.config.base.region, "eu-central-1");
  assert.ok(text.split("\n").filter((l) => l.startsWith("#")).length >= 10);
  assert.deepEqual(
    {
      accounts: report.accounts,
      fromOrganization: report.fromOrganization,
      gitignore: report.gitignore,
    },
    { accounts: 1, fromOrganization: false, gitignore: "none" },
  );
});

test("init refuses an existing file: it stays byte for byte, discover never runs", async () => {
  const dir = await makeTempDir("init-exists");
  const path = join(dir, "crossform.yaml");
  await writeFile(path, "# mine\nversion: 1\n");
  let discovered = false;
  await assert.rejects(
    init(deps, request(dir), () => {
      discovered = true;
      return Promise.reject(new Error("must not run"));
    }),
    (error: unknown) =>
      error instanceof CrossformError &&
      error.source === "user" &&
      error.code === "init/config-exists" &&
      error.message === "crossform.yaml already exists; init never overwrites a configuration",
  );
  assert.equal(discovered, false);
  assert.equal(await readFile(path, "utf8"), "# mine\nversion: 1\n");
  assert.deepEqual(await readdir(dir), ["crossform.yaml"]);
});

test("from the organization, init writes its accounts with tiers, and the file validates", async () => {
  const dir = await makeTempDir("init-org");
  const mappings = parseOuTiers(["Workloads=nonprod", "Prod=prod"]);
  const report = await init(deps, request(dir), () =>
    discoverOrganization(sampleOrganization(), mappings),
  );
  const text = await readFile(join(dir, "crossform.yaml"), "utf8");
  const read = readConfigText(text, "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics));
  assert.deepEqual(
    [...read.config.accounts.keys()],
    [
      "management",
      "sandbox-ana-0001",
      "sandbox-ana-0002",
      "audit",
      "payments-dev",
      "payments-staging",
      "payments-prod",
    ],
  );
  assert.equal(read.config.accounts.get("payments-prod")?.tier, "prod");
  assert.equal(read.config.accounts.get("payments-dev")?.tier, "nonprod");
  assert.deepEqual(read.config.accounts.get("audit")?.tags, { ou: "Root/Security" });
  assert.match(text, /^# {3}- \["tier:nonprod"\]\n# {3}- \["tier:prod"\]$/m);
  assert.equal(report.accounts, 7);
  assert.equal(report.fromOrganization, true);
});

test("init adds .crossform/ to a .gitignore that lacks it, and leaves one that has it", async () => {
  const dir = await makeTempDir("init-gitignore");
  await writeFile(join(dir, ".gitignore"), "node_modules/\n*.tfplan");
  const report = await init(deps, request(dir));
  assert.equal(report.gitignore, "added");
  assert.equal(
    await readFile(join(dir, ".gitignore"), "utf8"),
    "node_modules/\n*.tfplan\n.crossform/\n",
  );
  assert.deepEqual((await readdir(dir)).sort(), [".gitignore", "crossform.yaml"]);

  const other = await makeTempDir("init-gitignore-present");
  await writeFile(join(other, ".gitignore"), "/.crossform\n");
  assert.equal((await init(deps, request(other))).gitignore, "present");
  assert.equal(await readFile(join(other, ".gitignore"), "utf8"), "/.crossform\n");
});

test("the schema reference is relative inside the project, else the published URL", async () => {
  assert.equal(
    schemaReference("/repo", "/repo/node_modules/crossform/schema/crossform.schema.json"),
    "./node_modules/crossform/schema/crossform.schema.json",
  );
  assert.equal(
    schemaReference("/repo/infra", "/usr/lib/node_modules/crossform/schema/crossform.schema.json"),
    SCHEMA_URL,
  );
  assert.equal(schemaReference("/repo", undefined), SCHEMA_URL);

  const dir = await makeTempDir("init-schema");
  const schemaFile = join(dir, "node_modules", "crossform", "schema", "crossform.schema.json");
  await mkdir(join(dir, "node_modules", "crossform", "schema"), { recursive: true });
  await writeFile(schemaFile, "{}");
  const report = await init(deps, request(dir, { schemaFile }));
  assert.equal(report.schema, "./node_modules/crossform/schema/crossform.schema.json");
  const missing = await makeTempDir("init-schema-missing");
  const fallback = await init(deps, request(missing, { schemaFile: join(missing, "schema.json") }));
  assert.equal(fallback.schema, SCHEMA_URL);
});

test("an organization with no ACTIVE account writes nothing", async () => {
  const dir = await makeTempDir("init-empty-org");
  const empty = {
    listRoots: () => Promise.resolve([{ id: "r-1", name: "Root" }]),
    listOrganizationalUnitsForParent: () => Promise.resolve([]),
    listAccountsForParent: () =>
      Promise.resolve([{ id: "123456789012", name: "gone", email: "", status: "SUSPENDED" }]),
  };
  await assert.rejects(
    init(deps, request(dir), () => discoverOrganization(empty, [])),
    /lists no ACTIVE account/,
  );
  assert.deepEqual(await readdir(dir), []);
});
