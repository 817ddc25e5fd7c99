import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import {
  awsRequirement,
  backendBlock,
  buildModuleGraph,
  isTerraformFileName,
  requiresAws,
} from "../../../src/app/module-graph.ts";
import type { DirectoryEntry, FileSystem, PathInfo } from "../../../src/ports/file-system.ts";
import type { HclParser } from "../../../src/ports/hcl-parser.ts";

const fixtures = fileURLToPath(new URL("../../fixtures/hcl/", import.meta.url));

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

/** A FileSystem over a map of absolute paths to texts; directories are implied by the paths. */
class InMemoryFileSystem implements FileSystem {
  readonly reads: string[] = [];
  private readonly files: Map<string, string>;

  constructor(files: Record<string, string>) {
    this.files = new Map(Object.entries(files).map(([path, text]) => [resolve(path), text]));
  }

  async readText(path: string): Promise<string> {
    this.reads.push(path);
    const text = this.files.get(resolve(path));
    if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
    return text;
  }

  async readTextsIfPresent(paths: readonly string[]): Promise<(string | undefined)[]> {
    return paths.map((path) => this.files.get(resolve(path)));
  }

  async readBytes(path: string): Promise<Uint8Array> {
    return Buffer.from(await this.readText(path));
  }

  async listDir(path: string): Promise<DirectoryEntry[]> {
    const dir = resolve(path);
    const entries = new Map<string, DirectoryEntry>();
    for (const file of this.files.keys()) {
      if (!file.startsWith(`${dir}/`)) continue;
      const [name = "", ...rest] = file.slice(dir.length + 1).split("/");
      entries.set(name, { name, isDirectory: rest.length > 0, isFile: rest.length === 0 });
    }
    if (entries.size === 0) throw new Error(`ENOENT: no such directory ${path}`);
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async exists(path: string): Promise<boolean> {
    const target = resolve(path);
    return (
      this.files.has(target) || [...this.files.keys()].some((file) => file.startsWith(`${target}/`))
    );
  }

  async sha256(_path: string): Promise<string> {
    throw new Error("the module graph reads text only");
  }

  async pathInfo(path: string): Promise<PathInfo | undefined> {
    const target = resolve(path);
    if (this.files.has(target)) return { kind: "file", size: this.files.get(target)?.length ?? 0 };
    return (await this.exists(path)) ? { kind: "directory", size: 0 } : undefined;
  }

  async realPath(path: string): Promise<string> {
    if (!(await this.exists(path))) throw new Error(`ENOENT: no such file ${path}`);
    return resolve(path);
  }
}

describe("module graph", () => {
  test("follows ./ and ../ sources, records registry and git calls without following, survives a cycle", async () => {
    const root = join(fixtures, "module-graph/app");
    const graph = await buildModuleGraph(root, { fs: new NodeFileSystem(), parser });
    assert.equal(graph.root, root);
    assert.deepEqual(
      graph.modules.map((node) => node.dir),
      [root, join(root, "modules/x"), join(fixtures, "module-graph/shared/y")],
    );
    assert.deepEqual(
      graph.edges.map((edge) => [
        edge.call.name,
        edge.status,
        edge.to === undefined ? undefined : edge.to.slice(fixtures.length),
      ]),
      [
        ["x", "followed", "module-graph/app/modules/x"],
        ["y", "followed", "module-graph/shared/y"],
        ["network", "not-local", undefined],
        ["vpc", "not-local", undefined],
        ["gone", "missing", "module-graph/app/modules/missing"],
        ["y", "followed", "module-graph/shared/y"],
        ["x", "followed", "module-graph/app/modules/x"],
      ],
    );
    assert.equal(graph.diagnostics.length, 1);
    const [missing] = graph.diagnostics;
    assert.equal(missing?.code, "module/missing-source");
    assert.match(
      missing?.message ?? "",
      /module "gone" has source "\.\/modules\/missing", but modules\/missing does not exist/,
    );
    assert.deepEqual(missing?.position, { file: "main.tf", line: 22, column: 1 });
  });

  test("files crossform generated are skipped unless asked for", async () => {
    const root = join(fixtures, "module-graph/app");
    const graph = await buildModuleGraph(root, { fs: new NodeFileSystem(), parser });
    const shared = graph.modules[2];
    assert.deepEqual(
      shared?.files.map((file) => file.path),
      [join(fixtures, "module-graph/shared/y/main.tf")],
    );
    assert.deepEqual(shared?.generatedFiles, [
      join(fixtures, "module-graph/shared/y/crossform_providers.tf"),
    ]);
    assert.equal(requiresAws(graph), false);
    const withGenerated = await buildModuleGraph(root, {
      fs: new NodeFileSystem(),
      parser,
      includeGenerated: true,
    });
    assert.equal(requiresAws(withGenerated), true);
  });

  test("the realistic root is summarized from native syntax", async () => {
    const graph = await buildModuleGraph(join(fixtures, "realistic-root"), {
      fs: new NodeFileSystem(),
      parser,
    });
    const [rootNode, zone] = graph.modules;
    assert.ok(rootNode && zone);
    assert.deepEqual(
      rootNode.files.map((file) => file.errors),
      [[], [], []],
    );
    const summary = rootNode.summary;
    assert.deepEqual(
      summary.requiredProviders.map((entry) => [entry.localName, entry.address, entry.version]),
      [
        ["aws", "hashicorp/aws", "~> 5.0"],
        ["random", "hashicorp/random", undefined],
      ],
    );
    assert.deepEqual(
      summary.providers.map((provider) => [
        provider.alias,
        provider.hasAssumeRole,
        provider.hasAllowedAccountIds,
        provider.profile?.value,
      ]),
      [
        [undefined, true, true, undefined],
        ["dns", false, false, "shared-admin"],
      ],
    );
    assert.equal(summary.providers[1]?.profile?.range.start.line, 35);
    assert.deepEqual(
      summary.resources.map((resource) => [resource.type, resource.name, resource.provider]),
      [
        ["aws_s3_bucket", "logs", undefined],
        ["aws_caller_identity", "current", "aws.dns"],
      ],
    );
    assert.deepEqual(
      summary.moduleCalls.map((call) => [call.name, call.sourceKind]),
      [
        ["zone", "local"],
        ["vpc", "registry"],
      ],
    );
    assert.deepEqual(
      summary.moduleCalls[0]?.providers.map((passing) => [passing.inModule, passing.fromCaller]),
      [["aws", "aws.dns"]],
    );
    assert.deepEqual(
      summary.variables.map((variable) => variable.name),
      ["region", "account_id"],
    );
    assert.deepEqual(
      summary.outputs.map((output) => output.name),
      ["bucket"],
    );
    const backend = backendBlock(graph);
    assert.ok(backend.kind === "s3");
    assert.equal(backend.backend.attributes.key?.value, "app/terraform.tfstate");
    assert.equal(backend.backend.range.start.line, 15);
    assert.equal(zone.summary.resources[0]?.type, "aws_route53_zone");
  });
});

describe("requiresAws", () => {
  test("a stack using only terraform_data and remote state does not need aws", async () => {
    const graph = await buildModuleGraph(join(fixtures, "terraform-data-only"), {
      fs: new NodeFileSystem(),
      parser,
    });
    const requirement = awsRequirement(graph);
    assert.equal(requirement.required, false);
    assert.deepEqual(requirement.evidence, []);
    assert.equal(requiresAws(graph), false);
  });

  test("a local module with an aws_ resource makes the stack need aws, and says where", async () => {
    const root = join(fixtures, "local-aws-module");
    const graph = await buildModuleGraph(root, { fs: new NodeFileSystem(), parser });
    const requirement = awsRequirement(graph);
    assert.equal(requirement.required, true);
    assert.deepEqual(
      requirement.evidence.map((item) => [item.module, item.detail, item.range.start.line]),
      [[join(root, "modules/bucket"), 'resource "aws_s3_bucket" "this"', 1]],
    );
  });

  test("each kind of evidence in the root is enough; registry modules are listed, not read", async () => {
    const cases: Record<string, boolean> = {
      'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n': true,
      'provider "aws" {}\n': true,
      'data "aws_region" "current" {}\n': true,
      'resource "terraform_data" "a" {}\n# provider "aws" {}\n': false,
      'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n': false,
    };
    for (const [text, expected] of Object.entries(cases)) {
      const fs = new InMemoryFileSystem({ "/stack/main.tf": text });
      const graph = await buildModuleGraph("/stack", { fs, parser });
      assert.equal(requiresAws(graph), expected, text);
    }
    const fs = new InMemoryFileSystem({
      "/stack/main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n',
    });
    const requirement = awsRequirement(await buildModuleGraph("/stack", { fs, parser }));
    assert.deepEqual(
      requirement.nonLocalCalls.map((edge) => edge.call.source),
      ["terraform-aws-modules/vpc/aws"],
    );
  });

  test("evidence two local hops away counts, and each directory is read once", async () => {
    const fs = new InMemoryFileSystem({
      "/repo/stacks/app/main.tf":
        'module "a" {\n  source = "./a"\n}\nmodule "a2" {\n  source = "./a/"\n}\n',
      "/repo/stacks/app/a/main.tf": 'module "b" {\n  source = "../../../modules/b"\n}\n',
      "/repo/modules/b/main.tf.json": '{"resource": {"aws_iam_role": {"r": {}}}}',
      "/repo/modules/b/notes.md": "not terraform",
    });
    const graph = await buildModuleGraph("/repo/stacks/app", { fs, parser });
    assert.equal(requiresAws(graph), true);
    assert.deepEqual(
      graph.modules.map((node) => node.dir),
      ["/repo/stacks/app", "/repo/stacks/app/a", "/repo/modules/b"],
    );
    assert.equal(fs.reads.filter((path) => path.endsWith("/a/main.tf")).length, 1);
    assert.ok(!fs.reads.some((path) => path.endsWith("notes.md")));
  });
});

describe("backendBlock", () => {
  const situation = async (dir: string) =>
    backendBlock(await buildModuleGraph(join(fixtures, dir), { fs: new NodeFileSystem(), parser }))
      .kind;

  test("none, s3 and another type", async () => {
    assert.equal(await situation("no-backend"), "none");
    assert.equal(await situation("terraform-data-only"), "s3");
    assert.equal(await situation("other-backend"), "other");
  });

  test("a cloud block is another type; two backend blocks are a duplicate", async () => {
    const cloud = new InMemoryFileSystem({
      "/s/main.tf": 'terraform {\n  cloud {\n    organization = "acme"\n  }\n}\n',
    });
    const cloudSituation = backendBlock(await buildModuleGraph("/s", { fs: cloud, parser }));
    assert.ok(cloudSituation.kind === "other" && cloudSituation.backend.type === "cloud");
    const twice = new InMemoryFileSystem({
      "/s/a.tf": 'terraform {\n  backend "s3" {}\n}\n',
      "/s/b.tf": 'terraform {\n  backend "local" {}\n}\n',
    });
    const duplicate = backendBlock(await buildModuleGraph("/s", { fs: twice, parser }));
    assert.ok(duplicate.kind === "duplicate");
    assert.deepEqual(
      duplicate.backends.map((backend) => [backend.type, dirname(backend.file)]),
      [
        ["s3", "/s"],
        ["local", "/s"],
      ],
    );
  });

  test("only the root's backend counts, not a module's", async () => {
    const fs = new InMemoryFileSystem({
      "/s/main.tf": 'module "m" {\n  source = "./m"\n}\n',
      "/s/m/main.tf": 'terraform {\n  backend "s3" {}\n}\n',
    });
    assert.equal(backendBlock(await buildModuleGraph("/s", { fs, parser })).kind, "none");
  });
});

describe("files and failures", () => {
  test("Terraform's file name rules: .tf and .tf.json, not hidden files or editor backups", () => {
    assert.deepEqual(
      [
        "main.tf",
        "x.tf.json",
        ".hidden.tf",
        "main.tf~",
        "#main.tf#",
        "vars.tfvars",
        "main.tftest.hcl",
        "a.json",
      ].filter(isTerraformFileName),
      ["main.tf", "x.tf.json"],
    );
  });

  test("an unreadable root directory is a diagnostic, not an exception", async () => {
    const graph = await buildModuleGraph("/nowhere", { fs: new InMemoryFileSystem({}), parser });
    assert.equal(graph.modules.length, 1);
    assert.deepEqual(graph.modules[0]?.files, []);
    assert.equal(graph.diagnostics[0]?.code, "module/unreadable");
    assert.equal(requiresAws(graph), false);
  });
});

test("syntax errors become warnings with their position, and the rest of the file still counts", async () => {
  const fs = new InMemoryFileSystem({
    "/s/main.tf": 'resource "terraform_data" "a" {\n  input = = 1\n}\n\nprovider "aws" {}\n',
  });
  const graph = await buildModuleGraph("/s", { fs, parser, displayBase: "/" });
  assert.deepEqual(
    graph.diagnostics.map((diagnostic) => [
      diagnostic.severity,
      diagnostic.code,
      diagnostic.position,
    ]),
    [["warning", "hcl/syntax", { file: "s/main.tf", line: 2, column: 11 }]],
  );
  assert.match(
    graph.diagnostics[0]?.message ?? "",
    /^unexpected `= 1`.*crossform read the rest of s\/main\.tf/,
  );
  assert.equal(requiresAws(graph), true);
});
