import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import { generateFiles } from "../../../../src/core/generate/generate-files.ts";
import type {
  GeneratedFile,
  StackCodeFacts,
} from "../../../../src/core/generate/generate-files.ts";
import {
  findAttribute,
  objectKeyName,
  referenceText,
  stringValue,
} from "../../../../src/core/hcl/syntax-queries.ts";
import type { HclBody, HclExpression, HclFile } from "../../../../src/core/hcl/syntax.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";

// Every argument crossform writes into a provider "aws" block, a .tfbackend file or a
// terraform_remote_state config must exist in the schema its documentation publishes, with the
// same kind (attribute, nested block, object) and a compatible type.

/** One argument of a published schema. */
interface Argument {
  kind: "attribute" | "block" | "object";
  type?: string;
  required?: boolean;
  deprecated?: boolean;
  maxItems?: number;
  arguments?: Record<string, Argument>;
}

interface SchemaSource {
  repository: string;
  path: string;
  commit: string;
}

interface ProviderSchema {
  provider: string;
  version: string;
  source: SchemaSource;
  metaArguments: { arguments: Record<string, Argument> };
  arguments: Record<string, Argument>;
}

interface BackendSchema {
  backend: string;
  terraformVersion: string;
  source: SchemaSource;
  arguments: Record<string, Argument>;
}

function fixture<T>(path: string): T {
  return JSON.parse(
    readFileSync(new URL(`../../../fixtures/generate/${path}`, import.meta.url), "utf8"),
  ) as T;
}

const providerSchema = fixture<ProviderSchema>("aws-provider-schema/provider-arguments.json");
const backendSchema = fixture<BackendSchema>("s3-backend-schema/backend-arguments.json");

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

const CONFIGS = {
  references: `
version: 1
defaults: { regions: [us-east-1], default_tags: { team: platform } }
accounts:
  dev: { id: "111111111111", tier: dev }
  prod: { id: "333333333333", tier: prod, regions: [us-east-1, eu-west-1], external_id: prod-ext }
  shared: { id: "444444444444", regions: [eu-west-1], external_id: shared-ext }
stacks:
  network: { path: stacks/network, accounts: [dev, prod] }
  app:
    path: stacks/app
    accounts: [dev, prod]
    depends_on: [network]
    references: { dns: shared, audit: prod }
`,
  multiAccount: `
version: 1
accounts:
  shared: { id: "444444444444" }
  prod: { id: "333333333333", regions: [us-east-1, eu-west-1] }
  dev: { id: "111111111111" }
stacks:
  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod, dev] }
  app: { path: stacks/app, accounts: [dev, prod], depends_on: [dns] }
`,
  centralState: `
version: 1
defaults: { external_id: org-ext }
state: { account: state, role: StateAccess, lock: "dynamodb:tf-locks", region: eu-west-1 }
accounts:
  dev: { id: "111111111111" }
  state: { id: "555555555555" }
stacks:
  base: { path: stacks/base, accounts: [dev] }
  app: { path: ".", accounts: [dev], depends_on: [base], references: { state: state } }
`,
};

const AWS: Record<string, StackCodeFacts> = new Proxy(
  {},
  { get: () => ({ requiresAws: true, hasBackendBlock: false }) },
);

/** Every generated file of every configuration above, as `<config>: <path>` -> file. */
function allFiles(): { name: string; file: GeneratedFile; dynamodb: boolean }[] {
  const out: { name: string; file: GeneratedFile; dynamodb: boolean }[] = [];
  for (const [name, yaml] of Object.entries(CONFIGS)) {
    const result = readConfigText(yaml, "crossform.yaml");
    assert.ok(result.ok, `${name} loads`);
    const facts = new Map(
      [...result.config.stacks.keys()].map((s) => [s, AWS[s] as StackCodeFacts]),
    );
    for (const file of generateFiles(result.config, result.units, facts)) {
      out.push({ name, file, dynamodb: result.config.state.lock.kind === "dynamodb" });
    }
  }
  return out;
}

function parse(where: string, text: string): HclFile {
  const parsed = parser.parse(where.endsWith(".tfbackend") ? `${where}.tf` : where, text);
  assert.deepEqual(parsed.errors, [], `${where} parses`);
  return parsed;
}

/** Types of the variables a generated stack declares: name -> type text, object attributes too. */
function variableTypes(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const block of parse("crossform_variables.tf", text).blocks) {
    const type = findAttribute(block.body, "type")?.expression;
    const name = block.labels[0];
    assert.ok(type && name, "each variable has a name and a type");
    types.set(name, typeText(type));
    if (type.kind === "call" && type.name === "object" && type.args[0]?.kind === "object") {
      for (const item of type.args[0].items) {
        types.set(`${name}.${objectKeyName(item.key)}`, typeText(item.value));
      }
    }
  }
  return types;
}

function typeText(type: HclExpression): string {
  if (type.kind === "call") return `${type.name}(${type.args.map(typeText).join(", ")})`;
  if (type.kind === "object") return "object";
  const text = referenceText(type);
  assert.ok(text !== undefined, `a type expression of kind ${type.kind} is readable`);
  return text;
}

/** The type of a value expression: literals, tuples, objects and var references. */
function valueType(expression: HclExpression, variables: Map<string, string>): string {
  switch (expression.kind) {
    case "bool":
      return "bool";
    case "number":
      return "number";
    case "tuple": {
      const items = new Set(expression.items.map((item) => valueType(item, variables)));
      assert.ok(items.size <= 1, "a tuple's elements share one type");
      return `list(${[...items][0] ?? "string"})`;
    }
    case "object":
      return "object";
    case "traversal":
      if (expression.root === "var") {
        const name = referenceText(expression)?.slice("var.".length) ?? "";
        const type = variables.get(name);
        assert.ok(type, `var.${name} is declared`);
        return type.startsWith("object(") ? "object" : type;
      }
      return "unknown reference";
    default:
      if (stringValue(expression) !== undefined) return "string";
      return `unsupported ${expression.kind}`;
  }
}

/** A list of T is accepted where a set of T is expected (Terraform converts it). */
function compatible(actual: string, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  if (actual === expected) return true;
  const element = (t: string): string | undefined => /^(?:list|set)\((.*)\)$/.exec(t)?.[1];
  return element(actual) !== undefined && element(actual) === element(expected);
}

/** Checks a provider block body (or one of its nested blocks) against the schema. */
function checkProviderBody(
  body: HclBody,
  schema: Record<string, Argument>,
  variables: Map<string, string>,
  where: string,
  meta: Record<string, Argument> = {},
): number {
  let checked = 0;
  for (const attribute of body.attributes) {
    const argument = schema[attribute.name] ?? meta[attribute.name];
    assert.ok(argument, `${where}: ${attribute.name} is an argument of the aws provider`);
    assert.equal(
      argument.kind,
      "attribute",
      `${where}: ${attribute.name} is a ${argument.kind} in the provider, but written as an attribute`,
    );
    assert.notEqual(argument.deprecated, true, `${where}: ${attribute.name} is not deprecated`);
    const actual = valueType(attribute.expression, variables);
    assert.ok(
      compatible(actual, argument.type),
      `${where}: ${attribute.name} gets a ${actual}, the provider takes ${argument.type}`,
    );
    checked += 1;
  }
  const seen = new Map<string, number>();
  for (const block of body.blocks) {
    const argument = schema[block.type];
    assert.ok(argument, `${where}: ${block.type} is an argument of the aws provider`);
    assert.equal(
      argument.kind,
      "block",
      `${where}: ${block.type} is an ${argument.kind} in the provider, but written as a block`,
    );
    assert.deepEqual(block.labels, [], `${where}: ${block.type} has no labels`);
    seen.set(block.type, (seen.get(block.type) ?? 0) + 1);
    assert.ok(
      argument.maxItems === undefined || (seen.get(block.type) ?? 0) <= argument.maxItems,
      `${where}: at most ${argument.maxItems} ${block.type} block`,
    );
    checked += checkProviderBody(
      block.body,
      argument.arguments ?? {},
      variables,
      `${where} > ${block.type}`,
    );
    for (const [name, nested] of Object.entries(argument.arguments ?? {})) {
      if (nested.required) {
        assert.ok(findAttribute(block.body, name), `${where} > ${block.type} sets ${name}`);
      }
    }
  }
  return checked;
}

/** Checks attributes of a backend configuration (a .tfbackend body or a remote state config object). */
function checkBackendEntries(
  entries: { name: string; value: HclExpression }[],
  schema: Record<string, Argument>,
  variables: Map<string, string>,
  where: string,
  dynamodb: boolean,
): number {
  let checked = 0;
  const names = new Set(entries.map((e) => e.name));
  for (const { name, value } of entries) {
    const argument = schema[name];
    assert.ok(argument, `${where}: ${name} is an argument of the s3 backend`);
    if (argument.deprecated) {
      assert.ok(
        name === "dynamodb_table" && dynamodb,
        `${where}: ${name} is deprecated in Terraform ${backendSchema.terraformVersion}; only lock: dynamodb:<table> may ask for dynamodb_table`,
      );
    }
    if (argument.kind === "object") {
      assert.equal(value.kind, "object", `${where}: ${name} is an object`);
      checked += checkBackendEntries(
        value.items.map((item) => ({ name: objectKeyName(item.key) ?? "", value: item.value })),
        argument.arguments ?? {},
        variables,
        `${where} > ${name}`,
        dynamodb,
      );
    } else {
      const actual = valueType(value, variables);
      assert.ok(
        compatible(actual, argument.type),
        `${where}: ${name} gets a ${actual}, the backend takes ${argument.type}`,
      );
    }
    checked += 1;
  }
  for (const [name, argument] of Object.entries(schema)) {
    if (argument.required) assert.ok(names.has(name), `${where} sets the required ${name}`);
  }
  return checked;
}

describe("the schema fixtures", () => {
  test("name the documentation they were taken from and hold what crossform writes", () => {
    for (const source of [providerSchema.source, backendSchema.source]) {
      assert.match(source.repository, /^hashicorp\/terraform(-provider-aws)?$/);
      assert.match(source.commit, /^[0-9a-f]{40}$/);
      assert.match(source.path, /^website\/docs\//);
    }
    assert.equal(providerSchema.provider, "registry.terraform.io/hashicorp/aws");
    assert.match(providerSchema.version, /^5\./);
    assert.equal(backendSchema.terraformVersion, "1.11");
    const p = providerSchema.arguments;
    assert.equal(p.assume_role?.kind, "block");
    assert.equal(p.assume_role?.arguments?.role_arn?.required, true);
    assert.equal(p.default_tags?.kind, "block");
    assert.equal(p.default_tags?.arguments?.tags?.type, "map(string)");
    assert.equal(p.allowed_account_ids?.kind, "attribute");
    assert.equal(p.forbidden_account_ids?.kind, "attribute");
    assert.equal(p.region?.type, "string");
    assert.equal(p.profile?.type, "string");
    assert.equal(providerSchema.metaArguments.arguments.alias?.kind, "attribute");
    const b = backendSchema.arguments;
    assert.equal(b.assume_role?.kind, "object");
    for (const name of ["bucket", "key", "region"]) assert.equal(b[name]?.required, true, name);
    assert.equal(b.use_lockfile?.type, "bool");
    assert.equal(b.dynamodb_table?.deprecated, true);
    assert.equal(b.allowed_account_ids?.type, "set(string)");
  });

  test("the checks reject what the schemas do not allow", () => {
    const variables = new Map([["crossform_region", "string"]]);
    const provider = (text: string): HclBody => {
      const [block] = parse("bad.tf", text).blocks;
      assert.ok(block);
      return block.body;
    };
    const check = (text: string): number =>
      checkProviderBody(
        provider(text),
        providerSchema.arguments,
        variables,
        "bad.tf",
        providerSchema.metaArguments.arguments,
      );
    assert.equal(check('provider "aws" {\n  region = var.crossform_region\n}\n'), 1);
    // assume_role is a block of the provider, never an attribute (the s3 backend's is the other way round).
    assert.throws(
      () => check('provider "aws" {\n  assume_role = { role_arn = "x" }\n}\n'),
      /written as an attribute/,
    );
    assert.throws(
      () => check('provider "aws" {\n  default_tags {\n    tag = {}\n  }\n}\n'),
      /tag is an argument/,
    );
    assert.throws(
      () => check('provider "aws" {\n  assume_role {\n    session_name = "s"\n  }\n}\n'),
      /sets role_arn/,
    );
    assert.throws(
      () => check('provider "aws" {\n  allowed_account_ids = "111111111111"\n}\n'),
      /gets a string/,
    );
    const backend = (text: string, dynamodb = false): number =>
      checkBackendEntries(
        parse("bad.tfbackend", text).attributes.map((a) => ({ name: a.name, value: a.expression })),
        backendSchema.arguments,
        variables,
        "bad.tfbackend",
        dynamodb,
      );
    assert.equal(backend('bucket = "b"\nkey = "k"\nregion = "r"\n'), 3);
    assert.throws(() => backend('bucket = "b"\nkey = "k"\n'), /required region/);
    assert.throws(
      () => backend('bucket = "b"\nkey = "k"\nregion = "r"\nlock = true\n'),
      /lock is an argument/,
    );
    assert.throws(
      () => backend('bucket = "b"\nkey = "k"\nregion = "r"\ndynamodb_table = "t"\n'),
      /deprecated/,
    );
    assert.throws(
      () => backend('bucket = "b"\nkey = "k"\nregion = "r"\nassume_role = { role = "x" }\n'),
      /role is an argument/,
    );
  });
});

describe("generated files against the published schemas", () => {
  test('every attribute and nested block of every generated provider "aws" block is an argument of the provider', () => {
    const files = allFiles();
    let providers = 0;
    let checked = 0;
    for (const { name, file } of files) {
      if (!file.path.endsWith("crossform_providers.tf")) continue;
      const dir = file.path.slice(0, -"crossform_providers.tf".length);
      const variables = variableTypes(
        files.find((f) => f.name === name && f.file.path === `${dir}crossform_variables.tf`)?.file
          .contents ?? "",
      );
      for (const block of parse(file.path, file.contents).blocks) {
        assert.deepEqual([block.type, ...block.labels], ["provider", "aws"]);
        checked += checkProviderBody(
          block.body,
          providerSchema.arguments,
          variables,
          `${name}: ${file.path}`,
          providerSchema.metaArguments.arguments,
        );
        providers += 1;
      }
    }
    assert.ok(providers >= 10, `${providers} provider blocks were checked`);
    assert.ok(checked >= providers * 6, `${checked} arguments were checked`);
  });

  test("every generated .tfbackend holds only s3 backend arguments of the right kind and type", () => {
    let count = 0;
    for (const { name, file, dynamodb } of allFiles()) {
      if (!file.path.endsWith(".s3.tfbackend")) continue;
      const parsed = parse(file.path, file.contents);
      assert.deepEqual(parsed.blocks, []);
      checkBackendEntries(
        parsed.attributes.map((a) => ({ name: a.name, value: a.expression })),
        backendSchema.arguments,
        new Map(),
        `${name}: ${file.path}`,
        dynamodb,
      );
      assert.equal(
        parsed.attributes.some((a) => a.name === "dynamodb_table"),
        dynamodb,
        `${name}: ${file.path} names a DynamoDB table exactly when the lock is dynamodb`,
      );
      count += 1;
    }
    assert.ok(count >= 8, `${count} backend files were checked`);
  });

  test("every generated terraform_remote_state config holds only s3 backend arguments", () => {
    const files = allFiles();
    let count = 0;
    for (const { name, file, dynamodb } of files) {
      if (!file.path.endsWith("crossform_remote_state.tf")) continue;
      const dir = file.path.slice(0, -"crossform_remote_state.tf".length);
      const variables = variableTypes(
        files.find((f) => f.name === name && f.file.path === `${dir}crossform_variables.tf`)?.file
          .contents ?? "",
      );
      for (const block of parse(file.path, file.contents).blocks) {
        assert.deepEqual(block.labels.slice(0, 1), ["terraform_remote_state"]);
        const backend = findAttribute(block.body, "backend");
        assert.ok(
          backend && stringValue(backend.expression) === "s3",
          `${file.path}: backend = "s3"`,
        );
        const config = findAttribute(block.body, "config")?.expression;
        assert.ok(config?.kind === "object", `${name}: ${file.path}: config is an object`);
        checkBackendEntries(
          config.items.map((item) => ({ name: objectKeyName(item.key) ?? "", value: item.value })),
          backendSchema.arguments,
          variables,
          `${name}: ${file.path} > ${block.labels[1]}`,
          dynamodb,
        );
        count += 1;
      }
    }
    assert.ok(count >= 3, `${count} remote state configs were checked`);
  });
});
