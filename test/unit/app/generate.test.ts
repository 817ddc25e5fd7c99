import assert from "node:assert/strict";
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { AtomicFileWriter } from "../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { computeGeneratedFiles, generate } from "../../../src/app/generate.ts";
import type { GenerateDeps, GenerateReport } from "../../../src/app/generate.ts";
import { loadConfig } from "../../../src/app/load-config.ts";
import type { LoadedConfig } from "../../../src/app/load-config.ts";
import { validate } from "../../../src/app/validate.ts";
import { GENERATED_HEADER } from "../../../src/core/generate/hcl-writer.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

let deps: GenerateDeps;
before(async () => {
  deps = {
    fs: new NodeFileSystem(),
    writer: new AtomicFileWriter(),
    parser: await createTreeSitterHclParser(),
  };
});

const CONFIG = `version: 1
accounts:
  dev: { id: "111111111111" }
  prod: { id: "333333333333", regions: [us-east-1, eu-west-1] }
stacks:
  app: { path: stacks/app, accounts: [dev, prod] }
`;

const MAIN_TF = `resource "terraform_data" "app" {
  input = var.crossform_account_id
}
`;

const APP_FILES = [
  "stacks/app/backends/dev.s3.tfbackend",
  "stacks/app/backends/prod.eu-west-1.s3.tfbackend",
  "stacks/app/backends/prod.us-east-1.s3.tfbackend",
  "stacks/app/crossform_backend.tf",
  "stacks/app/crossform_variables.tf",
  "stacks/app/targets/dev.tfvars.json",
  "stacks/app/targets/prod.eu-west-1.tfvars.json",
  "stacks/app/targets/prod.us-east-1.tfvars.json",
];

/** Writes `files` (path -> text) under a fresh temporary directory. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await makeTempDir("app-generate");
  await addFiles(root, files);
  return root;
}

async function addFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Every directory (`dir/`) and file (with its bytes and modification time) under `root`. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        out.set(`${path}/`, "");
        await visit(path);
      } else {
        const full = join(root, path);
        const bytes = (await readFile(full)).toString("base64");
        out.set(path, `${bytes} ${(await stat(full)).mtimeMs}`);
      }
    }
  };
  await visit("");
  return out;
}

async function load(root: string): Promise<LoadedConfig> {
  const loaded = await loadConfig(deps.fs, { cwd: root });
  assert.ok(
    loaded.ok,
    `the configuration loads: ${loaded.ok ? "" : loaded.diagnostics.map((d) => d.message).join("; ")}`,
  );
  return loaded;
}

async function run(root: string, check = false): Promise<GenerateReport> {
  return generate(await load(root), deps, { check });
}

function changes(report: GenerateReport): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { path, change } of report.files) (out[change] ??= []).push(path);
  for (const paths of Object.values(out)) paths.sort();
  return out;
}

function codes(report: { diagnostics: { code: string }[] }): string[] {
  return report.diagnostics.map((d) => d.code);
}

describe("generate over a real directory", () => {
  test("the first run creates every file with the computed contents", async () => {
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": MAIN_TF });
    const report = await run(root);
    assert.deepEqual(codes(report), []);
    assert.deepEqual(changes(report), { created: APP_FILES });
    assert.equal(report.stale, true);
    assert.equal(report.wrote, true);
    const computed = await computeGeneratedFiles(await load(root), deps);
    for (const { path, contents } of computed.files) {
      assert.equal(await readFile(join(root, path), "utf8"), contents, path);
    }
    const files = [...(await snapshot(root)).keys()].filter((p) => !p.endsWith("/")).sort();
    assert.deepEqual(files, [...APP_FILES, "crossform.yaml", "stacks/app/main.tf"].sort());
  });

  test("a second run reports every file unchanged and touches none", async () => {
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": MAIN_TF });
    await run(root);
    const before = await snapshot(root);
    const report = await run(root);
    assert.deepEqual(changes(report), { unchanged: APP_FILES });
    assert.equal(report.stale, false);
    assert.equal(report.wrote, false);
    assert.deepEqual(await snapshot(root), before);
  });

  test("check reports what is stale and writes nothing", async () => {
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": MAIN_TF });
    const before = await snapshot(root);
    const report = await run(root, true);
    assert.deepEqual(changes(report), { created: APP_FILES });
    assert.equal(report.stale, true);
    assert.equal(report.wrote, false);
    assert.deepEqual(await snapshot(root), before, "no file and no directory was created");

    await run(root);
    const edited = join(root, "stacks/app/targets/dev.tfvars.json");
    await writeFile(edited, (await readFile(edited, "utf8")).replace('"dev"', '"dev-edited"'));
    const afterEdit = await snapshot(root);
    const checked = await run(root, true);
    assert.deepEqual(changes(checked).updated, ["stacks/app/targets/dev.tfvars.json"]);
    assert.equal(checked.stale, true);
    assert.deepEqual(await snapshot(root), afterEdit);
  });

  test("a generated file edited by hand is reported updated and rewritten", async () => {
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": MAIN_TF });
    await run(root);
    const path = "stacks/app/crossform_variables.tf";
    const original = await readFile(join(root, path), "utf8");
    await writeFile(join(root, path), `${original}\n# a note\n`);
    const report = await run(root);
    assert.deepEqual(changes(report), {
      updated: [path],
      unchanged: APP_FILES.filter((p) => p !== path),
    });
    assert.equal(await readFile(join(root, path), "utf8"), original);
  });

  test("a generated file the configuration no longer produces is removed; hand-written files stay", async () => {
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": MAIN_TF });
    await run(root);
    const handWritten = {
      "stacks/app/targets/extra.tfvars.json": '{\n  "instance_count": 2\n}\n',
      "stacks/app/backends/manual.s3.tfbackend": 'bucket = "mine"\n',
      "stacks/app/crossform_notes.tf": "# kept by its author\n",
    };
    await addFiles(root, handWritten);
    await writeFile(
      join(root, "crossform.yaml"),
      CONFIG.replace(
        '  prod: { id: "333333333333", regions: [us-east-1, eu-west-1] }\n',
        "",
      ).replace("[dev, prod]", "[dev]"),
    );
    const prodFiles = APP_FILES.filter((p) => p.includes("/prod."));
    assert.equal(prodFiles.length, 4);

    const checkBefore = await snapshot(root);
    const checked = await run(root, true);
    assert.deepEqual(changes(checked).removed, prodFiles);
    assert.deepEqual(await snapshot(root), checkBefore, "check removes nothing");

    const report = await run(root);
    assert.deepEqual(changes(report), {
      unchanged: APP_FILES.filter((p) => !p.includes("/prod.")),
      removed: prodFiles,
    });
    for (const path of prodFiles) {
      await assert.rejects(stat(join(root, path)), { code: "ENOENT" }, `${path} is gone`);
    }
    for (const [path, text] of Object.entries(handWritten)) {
      assert.equal(await readFile(join(root, path), "utf8"), text, `${path} is kept`);
    }
  });

  test("a hand-written crossform_providers.tf makes generate refuse and write nothing", async () => {
    const root = await tree({
      "crossform.yaml": CONFIG,
      "stacks/app/main.tf": MAIN_TF,
      "stacks/app/crossform_providers.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n',
    });
    const before = await snapshot(root);
    for (const check of [false, true]) {
      const report = await run(root, check);
      assert.deepEqual(codes(report), ["generate/foreign-file"]);
      assert.match(report.diagnostics[0]?.message ?? "", /stacks\/app\/crossform_providers\.tf/);
      assert.deepEqual(report.files, []);
      assert.equal(report.wrote, false);
      assert.deepEqual(await snapshot(root), before);
    }
  });

  test("a stack at the config's own directory keeps its files from one run to the next", async () => {
    const root = await tree({
      "crossform.yaml": `version: 1\naccounts:\n  dev: { id: "111111111111" }\nstacks:\n  root: { path: ".", accounts: [dev] }\n`,
      "main.tf": MAIN_TF,
    });
    const files = [
      "backends/dev.s3.tfbackend",
      "crossform_backend.tf",
      "crossform_variables.tf",
      "targets/dev.tfvars.json",
    ];
    assert.deepEqual(changes(await run(root)), { created: files });
    const before = await snapshot(root);
    const again = await run(root);
    assert.deepEqual(changes(again), { unchanged: files });
    assert.equal(again.stale, false);
    assert.deepEqual(await snapshot(root), before);
    assert.equal((await run(root, true)).stale, false);
  });
});

describe("what the stack's code decides", () => {
  test('a stack with its own backend "s3" block gets no crossform_backend.tf (and loses a generated one)', async () => {
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": MAIN_TF });
    await run(root);
    await writeFile(join(root, "stacks/app/backend.tf"), 'terraform {\n  backend "s3" {}\n}\n');
    const report = await run(root);
    assert.deepEqual(codes(report), []);
    assert.deepEqual(changes(report).removed, ["stacks/app/crossform_backend.tf"]);
    await assert.rejects(stat(join(root, "stacks/app/crossform_backend.tf")), { code: "ENOENT" });
    assert.ok((await stat(join(root, "stacks/app/backends/dev.s3.tfbackend"))).isFile());

    const fresh = await tree({
      "crossform.yaml": CONFIG,
      "stacks/app/main.tf": `terraform {\n  backend "s3" {}\n}\n\n${MAIN_TF}`,
    });
    const first = await run(fresh);
    assert.equal(
      first.files.some((f) => f.path.endsWith("crossform_backend.tf")),
      false,
    );
  });

  test('backend "local" is a validate error at its file and line, and generate refuses', async () => {
    const mainTf = `terraform {\n  required_version = ">= 1.10"\n\n  backend "local" {\n    path = "x.tfstate"\n  }\n}\n\n${MAIN_TF}`;
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": mainTf });
    const report = await validate(deps, { cwd: root });
    assert.equal(report.valid, false);
    const error = report.diagnostics.find((d) => d.code === "stack/unsupported-backend");
    assert.ok(error, `diagnostics: ${codes(report).join(", ")}`);
    assert.equal(error.severity, "error");
    assert.deepEqual(error.position, { file: "stacks/app/main.tf", line: 4, column: 3 });
    assert.match(error.message, /backend "local"/);

    const before = await snapshot(root);
    const generated = await run(root);
    assert.deepEqual(codes(generated), ["stack/unsupported-backend"]);
    assert.equal(generated.wrote, false);
    assert.deepEqual(await snapshot(root), before);
  });

  test("an aws_ resource in a local module gets the stack a providers file; providers: [] suppresses it", async () => {
    const files = {
      "stacks/app/main.tf": `module "bucket" {\n  source = "./modules/bucket"\n}\n`,
      "stacks/app/modules/bucket/main.tf": `resource "aws_s3_bucket" "this" {\n  bucket = "logs"\n}\n`,
    };
    const root = await tree({ "crossform.yaml": CONFIG, ...files });
    const report = await run(root);
    assert.deepEqual(codes(report), []);
    assert.ok(changes(report).created?.includes("stacks/app/crossform_providers.tf"));
    assert.match(
      await readFile(join(root, "stacks/app/crossform_providers.tf"), "utf8"),
      /^provider "aws" \{$/m,
    );
    // Nothing is generated into the module itself.
    assert.deepEqual(await readdir(join(root, "stacks/app/modules/bucket")), ["main.tf"]);

    await writeFile(
      join(root, "crossform.yaml"),
      CONFIG.replace("accounts: [dev, prod] }", "accounts: [dev, prod], providers: [] }"),
    );
    const suppressed = await run(root);
    assert.deepEqual(changes(suppressed).removed, ["stacks/app/crossform_providers.tf"]);
  });

  test("a registry module needs providers: set explicitly", async () => {
    const mainTf = `module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\n`;
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": mainTf });
    const report = await validate(deps, { cwd: root });
    assert.equal(report.valid, false);
    const error = report.diagnostics.find((d) => d.code === "stack/providers-unknown");
    assert.ok(error, `diagnostics: ${codes(report).join(", ")}`);
    assert.match(error.message, /module "vpc"/);
    assert.match(error.hint ?? "", /stacks\.app\.providers: \[aws\]/);
    assert.equal(error.position?.file, "crossform.yaml");
    const refused = await run(root);
    assert.deepEqual(codes(refused), ["stack/providers-unknown"]);
    assert.equal(refused.wrote, false);

    await writeFile(
      join(root, "crossform.yaml"),
      CONFIG.replace("accounts: [dev, prod] }", "accounts: [dev, prod], providers: [aws] }"),
    );
    assert.equal((await validate(deps, { cwd: root })).valid, true);
    const generated = await run(root);
    assert.deepEqual(codes(generated), []);
    assert.ok(changes(generated).created?.includes("stacks/app/crossform_providers.tf"));
  });

  test("a user variable the stack does not declare is a warning; a declared one is not", async () => {
    const config = CONFIG.replace(
      "accounts: [dev, prod] }",
      "accounts: [dev, prod], vars: { instance_count: 2, retention_days: 30 } }",
    );
    const root = await tree({
      "crossform.yaml": config,
      "stacks/app/main.tf": MAIN_TF,
      "stacks/app/variables.tf": 'variable "instance_count" {\n  type = number\n}\n',
    });
    const report = await validate(deps, { cwd: root });
    assert.equal(report.valid, true);
    const warnings = report.diagnostics.filter((d) => d.code === "stack/undeclared-variable");
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.severity, "warning");
    assert.match(warnings[0]?.message ?? "", /retention_days/);
    assert.doesNotMatch(warnings[0]?.message ?? "", /instance_count/);

    const generated = await run(root);
    assert.deepEqual(codes(generated), ["stack/undeclared-variable"]);
    assert.equal(generated.wrote, true);
    const vars = JSON.parse(
      await readFile(join(root, "stacks/app/targets/dev.tfvars.json"), "utf8"),
    ) as Record<string, unknown>;
    assert.equal(vars.retention_days, 30);
  });

  test("generated files never count as the stack's own code", async () => {
    const root = await tree({ "crossform.yaml": CONFIG, "stacks/app/main.tf": MAIN_TF });
    // A stale generated providers file from an earlier configuration does not make the stack need aws.
    await addFiles(root, {
      "stacks/app/crossform_providers.tf": `${GENERATED_HEADER}\n\nprovider "aws" {}\n`,
    });
    const report = await run(root);
    assert.deepEqual(changes(report).removed, ["stacks/app/crossform_providers.tf"]);
    await rm(join(root, "stacks/app/crossform_variables.tf"));
    assert.deepEqual(changes(await run(root, true)).created, ["stacks/app/crossform_variables.tf"]);
  });
});
