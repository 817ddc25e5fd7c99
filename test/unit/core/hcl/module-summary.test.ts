import assert from "node:assert/strict";
import { test } from "node:test";
import {
  classifyModuleSource,
  normalizeProviderSource,
  summarizeModule,
} from "../../../../src/core/hcl/module-summary.ts";
import { parseTerraformJson } from "../../../../src/core/hcl/terraform-json.ts";
import type { HclFile } from "../../../../src/core/hcl/syntax.ts";

/** Core tests read JSON syntax (pure); native syntax is covered through the parser in the app tests. */
function jsonFile(path: string, document: unknown): HclFile {
  const file = parseTerraformJson(path, JSON.stringify(document, null, 2), (source) => ({
    kind: "other",
    raw: source.value,
    range: source.range,
  }));
  assert.deepEqual(file.errors, []);
  return file;
}

const realisticRoot = jsonFile("main.tf.json", {
  terraform: {
    required_providers: {
      aws: { source: "hashicorp/aws", version: "~> 5.0", configuration_aliases: ["aws.dns"] },
      random: { source: "registry.terraform.io/hashicorp/random" },
      legacy: "~> 1.0",
    },
    backend: { s3: { bucket: "tfstate-111111111111", key: "app.tfstate", use_lockfile: true } },
  },
  provider: {
    aws: [
      {
        region: "us-east-1",
        allowed_account_ids: ["111111111111"],
        assume_role: { role_arn: "arn" },
      },
      { alias: "dns", profile: "shared-admin" },
    ],
  },
  resource: { aws_s3_bucket: { logs: { bucket: "logs" } } },
  data: { aws_caller_identity: { current: { provider: "aws.dns" } } },
  variable: { region: { default: "us-east-1" }, account_id: {} },
  output: { bucket: { value: "x" } },
  module: {
    zone: { source: "./modules/zone", providers: { aws: "aws.dns", "aws.peer": "aws" } },
    vpc: { source: "terraform-aws-modules/vpc/aws", version: "5.8.1" },
  },
});

test("required providers: source, normalized address, version, aliases, legacy strings", () => {
  const summary = summarizeModule([realisticRoot]);
  assert.deepEqual(
    summary.requiredProviders.map((entry) => [
      entry.localName,
      entry.source,
      entry.address,
      entry.version,
    ]),
    [
      ["aws", "hashicorp/aws", "hashicorp/aws", "~> 5.0"],
      ["random", "registry.terraform.io/hashicorp/random", "hashicorp/random", undefined],
      ["legacy", undefined, "hashicorp/legacy", "~> 1.0"],
    ],
  );
  assert.deepEqual(summary.requiredProviders[0]?.configurationAliases, ["aws.dns"]);
});

test("backends keep their type and literal attributes", () => {
  const [backend] = summarizeModule([realisticRoot]).backends;
  assert.equal(backend?.type, "s3");
  assert.equal(backend?.kind, "backend");
  assert.equal(backend?.attributes.bucket?.value, "tfstate-111111111111");
  assert.equal(backend?.attributes.use_lockfile?.value, true);
  assert.equal(backend?.file, "main.tf.json");
  assert.ok((backend?.range.start.line ?? 0) > 1);
});

test("provider blocks: alias, assume_role, allowed_account_ids, profile", () => {
  const summary = summarizeModule([realisticRoot]);
  assert.deepEqual(
    summary.providers.map((provider) => ({
      name: provider.name,
      alias: provider.alias,
      assume: provider.hasAssumeRole,
      guard: provider.hasAllowedAccountIds,
      profile: provider.profile?.value,
    })),
    [
      { name: "aws", alias: undefined, assume: true, guard: true, profile: undefined },
      { name: "aws", alias: "dns", assume: false, guard: false, profile: "shared-admin" },
    ],
  );
});

test("resources, data sources, variables, outputs and module calls", () => {
  const summary = summarizeModule([realisticRoot]);
  assert.deepEqual(
    summary.resources.map((resource) => [
      resource.mode,
      resource.type,
      resource.name,
      resource.provider,
    ]),
    [
      ["managed", "aws_s3_bucket", "logs", undefined],
      ["data", "aws_caller_identity", "current", "aws.dns"],
    ],
  );
  assert.deepEqual(
    summary.variables.map((variable) => [variable.name, variable.hasDefault]),
    [
      ["region", true],
      ["account_id", false],
    ],
  );
  assert.deepEqual(
    summary.outputs.map((output) => output.name),
    ["bucket"],
  );
  const [zone, vpc] = summary.moduleCalls;
  assert.equal(zone?.sourceKind, "local");
  assert.equal(zone?.hasProvidersArgument, true);
  assert.deepEqual(
    zone?.providers.map((passing) => [passing.inModule, passing.fromCaller]),
    [
      ["aws", "aws.dns"],
      ["aws.peer", "aws"],
    ],
  );
  assert.equal(vpc?.sourceKind, "registry");
  assert.equal(vpc?.version, "5.8.1");
  assert.equal(vpc?.hasProvidersArgument, false);
});

test("aws evidence names each reason with its place", () => {
  const summary = summarizeModule([realisticRoot]);
  assert.deepEqual(
    summary.awsEvidence.map((item) => [item.reason, item.detail]),
    [
      ["required-provider", 'required_providers entry "aws" (hashicorp/aws)'],
      ["provider-block", 'provider "aws"'],
      ["provider-block", 'provider "aws" (alias dns)'],
      ["aws-block", 'resource "aws_s3_bucket" "logs"'],
      ["aws-block", 'data "aws_caller_identity" "current"'],
    ],
  );
});

test("a module with only built-in resources has no aws evidence", () => {
  const file = jsonFile("main.tf.json", {
    terraform: { backend: { s3: {} } },
    resource: { terraform_data: { a: { input: "aws_s3_bucket" } } },
    data: { terraform_remote_state: { shared: { backend: "s3" } } },
  });
  const summary = summarizeModule([file]);
  assert.deepEqual(summary.awsEvidence, []);
  assert.deepEqual(summary.files, ["main.tf.json"]);
});

test("each evidence kind alone is enough, across files", () => {
  const onlyRequired = jsonFile("versions.tf.json", {
    terraform: { required_providers: { cloud: { source: "registry.opentofu.org/HashiCorp/AWS" } } },
  });
  const onlyProvider = jsonFile("providers.tf.json", { provider: { aws: {} } });
  const onlyEphemeral = jsonFile("secrets.tf.json", {
    ephemeral: { aws_secretsmanager_secret_version: { s: {} } },
  });
  const scoped = jsonFile("checks.tf.json", {
    check: { health: { data: { aws_s3_bucket: { b: {} } } } },
  });
  for (const file of [onlyRequired, onlyProvider, onlyEphemeral, scoped]) {
    assert.equal(summarizeModule([file]).awsEvidence.length, 1, file.path);
  }
  assert.equal(summarizeModule([onlyRequired, onlyProvider]).awsEvidence.length, 2);
});

test("a cloud block is recorded as a backend of type cloud", () => {
  const file = jsonFile("main.tf.json", { terraform: { cloud: { organization: "acme" } } });
  const [backend] = summarizeModule([file]).backends;
  assert.deepEqual(
    [backend?.type, backend?.kind, backend?.attributes.organization?.value],
    ["cloud", "cloud", "acme"],
  );
});

test("module sources are classified as Terraform does", () => {
  const cases: [string | undefined, string][] = [
    ["./modules/x", "local"],
    ["../shared/y", "local"],
    ["..\\win\\z", "local"],
    ["modules/x", "remote"],
    ["hashicorp/consul/aws", "registry"],
    ["app.terraform.io/acme/vpc/aws", "registry"],
    ["terraform-aws-modules/vpc/aws//modules/vpc-endpoints", "registry"],
    ["github.com/hashicorp/example", "remote"],
    ["git::https://example.com/network.git?ref=v1", "remote"],
    ["git@github.com:acme/net.git", "remote"],
    ["https://example.com/vpc-module.zip", "remote"],
    ["s3::https://s3.amazonaws.com/bucket/vpc.zip", "remote"],
    [undefined, "unknown"],
    ["", "unknown"],
  ];
  for (const [source, kind] of cases)
    assert.equal(classifyModuleSource(source), kind, String(source));
});

test("provider sources normalize to namespace/type", () => {
  assert.equal(normalizeProviderSource("aws"), "hashicorp/aws");
  assert.equal(normalizeProviderSource("HashiCorp/AWS"), "hashicorp/aws");
  assert.equal(normalizeProviderSource("registry.terraform.io/hashicorp/aws"), "hashicorp/aws");
  assert.equal(normalizeProviderSource("example.com/acme/aws"), "example.com/acme/aws");
});
