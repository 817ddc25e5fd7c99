import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import type { Config } from "../../../../src/core/config/model.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import {
  generateFiles,
  REFUSING_DEFAULT_PROVIDER_COMMENT,
} from "../../../../src/core/generate/generate-files.ts";
import type {
  GeneratedFile,
  StackCodeFacts,
} from "../../../../src/core/generate/generate-files.ts";
import { GENERATED_HEADER, GENERATED_NOTICE } from "../../../../src/core/generate/hcl-writer.ts";
import {
  findAttribute,
  objectKeyName,
  referenceText,
  stringValue,
  walkExpression,
} from "../../../../src/core/hcl/syntax-queries.ts";
import type { HclBlock, HclExpression, HclFile } from "../../../../src/core/hcl/syntax.ts";
import type { UnitSet } from "../../../../src/core/units/units.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";
import { terraformFmt, terraformFmtMany } from "../../../helpers/terraform.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

/** A per-account stack reaching two other accounts; `shared` does not deploy to us-east-1. */
const REFERENCES = `
version: 1
defaults:
  regions: [us-east-1]
accounts:
  dev: { id: "111111111111", tier: dev }
  prod: { id: "333333333333", tier: prod, regions: [us-east-1, eu-west-1], external_id: prod-ext }
  shared: { id: "444444444444", tier: shared, regions: [eu-west-1], external_id: shared-ext }
  dns-hub: { id: "555555555555" }
stacks:
  app:
    path: stacks/app
    accounts: [dev, prod]
    references: { dns: shared, hub: dns-hub }
`;

/** A multi-account stack over an account with two regions; `accounts:` lists shared first. */
const MULTI_ACCOUNT = `
version: 1
accounts:
  shared: { id: "444444444444", tier: shared }
  prod: { id: "333333333333", tier: prod, regions: [us-east-1, eu-west-1] }
  dev-eu: { id: "111111111111", tier: dev, regions: [eu-west-1] }
stacks:
  dns:
    path: stacks/dns
    mode: multi-account
    home: shared
    accounts: [dev-eu, prod, shared]
  tgw:
    path: stacks/tgw
    mode: multi-account
    home: prod
    accounts: ["tier:prod", "tier:shared"]
`;

/** A central state account with its own access role, DynamoDB locking, dependencies and vars. */
const CENTRAL_STATE = `
version: 1
defaults:
  regions: [us-east-1]
  external_id: ext-default
  session: { name: "cf-{account}-{stack}-{user}" }
  vars: { a: 1, b: 1, c: 1, d: 1, nested: { from: defaults, keep: true } }
  default_tags: { owner: platform, env: none, level: defaults }
state:
  account: state
  role: StateAccess
  lock: dynamodb:tf-locks
accounts:
  dev:
    id: "111111111111"
    tier: dev
    vars: { b: 2, c: 2, d: 2, nested: { from: account } }
    default_tags: { env: dev, level: account }
  prod: { id: "333333333333", tier: prod, regions: [us-east-1, eu-west-1] }
  shared: { id: "444444444444", external_id: shared-ext }
  state: { id: "555555555555", external_id: state-ext }
stacks:
  network: { path: stacks/network, accounts: [dev, prod] }
  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }
  app:
    path: stacks/app
    accounts: [dev, prod]
    depends_on: [network, dns]
    references: { dns: shared, other: prod }
    vars: { c: 3, d: 3 }
    default_tags: { level: stack, stack: app }
    targets: { dev: { vars: { d: 4 } } }
`;

/** The shape of the quickstart: a stack reading another's state, a reference, a multi-account stack. */
const QUICKSTART_LIKE = `
version: 1
defaults:
  regions: [us-east-1]
  default_tags: { managed-by: crossform }
state:
  bucket: "acme-{account_id}-{region}"
  key: "{stack}/terraform.tfstate"
accounts:
  dev: { id: "111111111111", tier: dev, tags: { team: pay } }
  staging: { id: "222222222222", tier: staging }
  prod: { id: "333333333333", tier: prod, approval: required, regions: [us-east-1, eu-west-1] }
  shared: { id: "444444444444", tier: shared }
stacks:
  network:
    path: stacks/network
    accounts: ["tier:dev", "tier:staging", "tier:prod"]
    vars: { cidr_prefix: "10.0" }
    targets: { prod: { vars: { cidr_prefix: "10.100" } } }
  app:
    path: stacks/app
    accounts: [dev, staging, prod]
    depends_on: [network]
    references: { shared: shared }
  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }
waves:
  - ["tier:dev"]
  - ["tier:staging"]
  - { name: prod, select: ["tier:prod"] }
  - ["tier:shared"]
`;

/** Text that needs escaping in HCL strings, and a stack at the config's own directory. */
const AWKWARD_TEXT = `
version: 1
defaults:
  session: { name: "deploy-{account}" }
state:
  bucket: "tfstate-{account_id}"
  key: "{stack}/{region}/terraform.tfstate"
accounts:
  ops: { id: "666666666666", external_id: 'quote"back\\slash%{x}\${y}' }
stacks:
  root: { path: ".", accounts: [ops] }
`;

const ALL_CONFIGS = { REFERENCES, MULTI_ACCOUNT, CENTRAL_STATE, QUICKSTART_LIKE, AWKWARD_TEXT };

/** Code facts under which every stack requires aws. */
const AWS_EVERYWHERE: Record<string, Partial<StackCodeFacts>> = new Proxy(
  {},
  { get: () => ({ requiresAws: true }) },
);

interface Generated {
  config: Config;
  units: UnitSet;
  files: GeneratedFile[];
  byPath: Map<string, string>;
}

function load(yaml: string): { config: Config; units: UnitSet } {
  const result = readConfigText(yaml, "crossform.yaml");
  if (!result.ok) {
    assert.fail(
      `the test configuration does not load:\n${result.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n")}`,
    );
  }
  return { config: result.config, units: result.units };
}

/** Generates every file of `yaml`; stacks default to `{ requiresAws: false, hasBackendBlock: false }`. */
function generate(yaml: string, facts: Record<string, Partial<StackCodeFacts>> = {}): Generated {
  const { config, units } = load(yaml);
  const factMap = new Map<string, StackCodeFacts>();
  for (const name of config.stacks.keys()) {
    factMap.set(name, { requiresAws: false, hasBackendBlock: false, ...facts[name] });
  }
  const files = generateFiles(config, units, factMap);
  const byPath = new Map(files.map((file) => [file.path, file.contents]));
  assert.equal(byPath.size, files.length, "no path is generated twice");
  return { config, units, files, byPath };
}

function file(generated: Generated, path: string): string {
  const contents = generated.byPath.get(path);
  assert.ok(
    contents !== undefined,
    `${path} is generated (got ${[...generated.byPath.keys()].join(", ")})`,
  );
  return contents;
}

function parse(path: string, text: string): HclFile {
  const parsed = parser.parse(path, text);
  assert.deepEqual(parsed.errors, [], `${path} parses without errors`);
  return parsed;
}

/** A reference as `{ ref: "var.x.y" }`, so it can sit in deepEqual expectations next to literals. */
interface Ref {
  ref: string;
}

/** Literals as JavaScript values, tuples as arrays, objects as records, references as {@link Ref}. */
function plain(expression: HclExpression): unknown {
  switch (expression.kind) {
    case "bool":
    case "number":
      return expression.value;
    case "null":
      return null;
    case "tuple":
      return expression.items.map(plain);
    case "object":
      return Object.fromEntries(
        expression.items.map((item) => [objectKeyName(item.key), plain(item.value)]),
      );
    default: {
      const text = stringValue(expression);
      if (text !== undefined) return text;
      const ref = referenceText(expression);
      assert.ok(ref !== undefined, `expression of kind ${expression.kind} has a plain form`);
      return { ref } satisfies Ref;
    }
  }
}

/** The top-level attributes of a `.tfbackend` file as plain values, in file order. */
function backendValues(path: string, text: string): Record<string, unknown> {
  const parsed = parse(path, text);
  assert.deepEqual(parsed.blocks, [], `${path} holds attributes only`);
  return Object.fromEntries(parsed.attributes.map((a) => [a.name, plain(a.expression)]));
}

/** A block's attributes as plain values, and its nested blocks, recursively. */
interface BlockView {
  labels: string[];
  attributes: Record<string, unknown>;
  blocks: Record<string, BlockView>;
}

function view(block: HclBlock): BlockView {
  const blocks: Record<string, BlockView> = {};
  for (const nested of block.body.blocks) {
    assert.equal(blocks[nested.type], undefined, `one ${nested.type} block in ${block.type}`);
    blocks[nested.type] = view(nested);
  }
  return {
    labels: block.labels,
    attributes: Object.fromEntries(block.body.attributes.map((a) => [a.name, plain(a.expression)])),
    blocks,
  };
}

function providerBlocks(path: string, text: string): BlockView[] {
  const parsed = parse(path, text);
  assert.deepEqual(
    parsed.blocks.map((b) => `${b.type} ${b.labels.join(" ")}`),
    parsed.blocks.map(() => "provider aws"),
    `${path} holds provider "aws" blocks only`,
  );
  return parsed.blocks.map(view);
}

/** The provider block of an alias (its `var.crossform_ref_<alias>`), or the default one (the unit's own variables). */
function expectedProvider(alias: string | undefined): BlockView {
  const v = alias === undefined ? undefined : `var.crossform_ref_${alias}`;
  return {
    labels: ["aws"],
    attributes: {
      ...(alias === undefined ? {} : { alias }),
      region: { ref: v ? `${v}.region` : "var.crossform_region" },
      allowed_account_ids: [{ ref: v ? `${v}.account_id` : "var.crossform_account_id" }],
    },
    blocks: {
      assume_role: {
        labels: [],
        attributes: {
          role_arn: { ref: v ? `${v}.role_arn` : "var.crossform_role_arn" },
          session_name: { ref: "var.crossform_session_name" },
          external_id: { ref: v ? `${v}.external_id` : "var.crossform_external_id" },
        },
        blocks: {},
      },
      default_tags: {
        labels: [],
        attributes: { tags: { ref: "var.crossform_default_tags" } },
        blocks: {},
      },
    },
  };
}

function tfvars(generated: Generated, path: string): Record<string, unknown> {
  return JSON.parse(file(generated, path)) as Record<string, unknown>;
}

/** The `variable` blocks of a variables file: name -> type expression. */
function declaredVariables(path: string, text: string): Map<string, HclExpression> {
  const parsed = parse(path, text);
  const declared = new Map<string, HclExpression>();
  for (const block of parsed.blocks) {
    assert.equal(block.type, "variable", `${path} holds variable blocks only`);
    const [name] = block.labels;
    assert.ok(name !== undefined && !declared.has(name), `variable ${name} is declared once`);
    const type = findAttribute(block.body, "type");
    assert.ok(type, `variable ${name} has a type`);
    declared.set(name, type.expression);
  }
  return declared;
}

/** Attribute names of an `object({ ... })` type expression. */
function objectTypeKeys(type: HclExpression): string[] | undefined {
  if (type.kind !== "call" || type.name !== "object") return undefined;
  const [fields] = type.args;
  assert.ok(fields?.kind === "object", "object(...) holds an object of attribute types");
  return fields.items.map((item) => objectKeyName(item.key) ?? "");
}

/** Whether a tfvars value has the declared type (null only where an external id may be absent). */
function conforms(type: HclExpression, value: unknown, name: string): boolean {
  const nullable = name === "external_id" || name === "crossform_external_id";
  if (value === null) return nullable;
  const text = referenceText(type);
  if (text === "string") return typeof value === "string";
  if (type.kind === "call" && (type.name === "map" || type.name === "list")) {
    const [element] = type.args;
    assert.ok(element, `${type.name}(...) names its element type`);
    if (type.name === "list") {
      return Array.isArray(value) && value.every((item) => conforms(element, item, ""));
    }
    return (
      typeof value === "object" &&
      !Array.isArray(value) &&
      Object.values(value as object).every((item) => conforms(element, item, ""))
    );
  }
  const keys = objectTypeKeys(type);
  if (keys === undefined || typeof value !== "object" || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const [fields] = (type as Extract<HclExpression, { kind: "call" }>).args;
  const types = new Map(
    (fields as Extract<HclExpression, { kind: "object" }>).items.map((item) => [
      objectKeyName(item.key) ?? "",
      item.value,
    ]),
  );
  return (
    [...keys].sort().join() === Object.keys(record).sort().join() &&
    keys.every((key) => conforms(types.get(key) as HclExpression, record[key], key))
  );
}

/** Directory of a stack's generated files, as the generator joins it. */
function stackDir(generated: Generated, stack: string): string {
  const path = generated.config.stacks.get(stack)?.path;
  assert.ok(path !== undefined, `stack ${stack} exists`);
  return path === "." ? "" : `${path}/`;
}

describe("providers file", () => {
  test("a per-account stack with references: the default provider plus one alias per reference", () => {
    const generated = generate(REFERENCES, { app: { requiresAws: true } });
    const path = "stacks/app/crossform_providers.tf";
    assert.deepEqual(providerBlocks(path, file(generated, path)), [
      expectedProvider(undefined),
      expectedProvider("dns"),
      expectedProvider("hub"),
    ]);
  });

  test("each reference's variable points at the referenced account, in the unit's region when it deploys there", () => {
    const generated = generate(REFERENCES, { app: { requiresAws: true } });
    const shared = {
      account_id: "444444444444",
      role_arn: "arn:aws:iam::444444444444:role/TerraformDeploy",
      region: "eu-west-1",
      external_id: "shared-ext",
    };
    const hub = (region: string): Record<string, unknown> => ({
      account_id: "555555555555",
      role_arn: "arn:aws:iam::555555555555:role/TerraformDeploy",
      region,
      external_id: null,
    });
    // shared deploys only to eu-west-1: every unit reaches it there (decision 0004).
    for (const [stem, hubRegion] of [
      ["dev", "us-east-1"],
      ["prod.us-east-1", "us-east-1"],
      ["prod.eu-west-1", "us-east-1"],
    ] as const) {
      const vars = tfvars(generated, `stacks/app/targets/${stem}.tfvars.json`);
      assert.deepEqual(vars.crossform_ref_dns, shared, stem);
      assert.deepEqual(vars.crossform_ref_hub, hub(hubRegion), stem);
    }
  });

  test("a stack that does not require aws gets no providers file, only the reference variables", () => {
    const generated = generate(REFERENCES);
    assert.equal(generated.byPath.has("stacks/app/crossform_providers.tf"), false);
    const declared = declaredVariables(
      "stacks/app/crossform_variables.tf",
      file(generated, "stacks/app/crossform_variables.tf"),
    );
    assert.ok(declared.has("crossform_ref_dns") && declared.has("crossform_ref_hub"));
    const vars = tfvars(generated, "stacks/app/targets/dev.tfvars.json");
    assert.equal((vars.crossform_ref_dns as { account_id: string }).account_id, "444444444444");
  });

  test("providers: [] suppresses the file even when the code needs aws; providers: [aws] forces it", () => {
    const suppressed = generate(
      REFERENCES.replace("references: { dns: shared, hub: dns-hub }", "providers: []"),
      { app: { requiresAws: true } },
    );
    assert.equal(suppressed.byPath.has("stacks/app/crossform_providers.tf"), false);
    const forced = generate(REFERENCES.replace("references:", "providers: [aws]\n    references:"));
    assert.ok(forced.byPath.has("stacks/app/crossform_providers.tf"));
  });

  test("a multi-account stack: a default provider that refuses every use, one alias per account, <account>_<region> with several regions", () => {
    const generated = generate(MULTI_ACCOUNT, AWS_EVERYWHERE);
    const text = file(generated, "stacks/dns/crossform_providers.tf");
    const dns = providerBlocks("stacks/dns/crossform_providers.tf", text);
    // The default allows only the home account and forbids it too: no account passes both checks.
    const home = expectedProvider(undefined);
    assert.deepEqual(dns[0], {
      ...home,
      attributes: {
        ...home.attributes,
        forbidden_account_ids: [{ ref: "var.crossform_account_id" }],
      },
    });
    assert.ok(
      text.includes(
        `# ${REFUSING_DEFAULT_PROVIDER_COMMENT.replaceAll("\n", "\n# ")}\nprovider "aws" {\n  region                = var.crossform_region\n`,
      ),
      "the comment that explains the refusal is right above the default provider",
    );
    // Aliases follow the order of accounts: in crossform.yaml (docs/config.md), not of the selectors.
    assert.deepEqual(dns.slice(1), [
      expectedProvider("shared"),
      expectedProvider("prod_us_east_1"),
      expectedProvider("prod_eu_west_1"),
      expectedProvider("dev-eu"),
    ]);
    const vars = tfvars(generated, "stacks/dns/targets/shared.tfvars.json");
    assert.deepEqual(vars.crossform_ref_prod_eu_west_1, {
      account_id: "333333333333",
      role_arn: "arn:aws:iam::333333333333:role/TerraformDeploy",
      region: "eu-west-1",
      external_id: null,
    });
    assert.equal((vars.crossform_ref_prod_us_east_1 as { region: string }).region, "us-east-1");
    assert.equal("crossform_ref_dev_eu" in vars, false);
    assert.equal((vars["crossform_ref_dev-eu"] as { region: string }).region, "eu-west-1");
  });

  test("a multi-account stack's files are named after its home, even when the home has several regions", () => {
    const generated = generate(MULTI_ACCOUNT, AWS_EVERYWHERE);
    const under = (dir: string): string[] =>
      [...generated.byPath.keys()].filter((p) => p.startsWith(dir)).sort();
    assert.deepEqual(under("stacks/dns/"), [
      "stacks/dns/backends/shared.s3.tfbackend",
      "stacks/dns/crossform_backend.tf",
      "stacks/dns/crossform_providers.tf",
      "stacks/dns/crossform_variables.tf",
      "stacks/dns/targets/shared.tfvars.json",
    ]);
    assert.deepEqual(under("stacks/tgw/"), [
      "stacks/tgw/backends/prod.s3.tfbackend",
      "stacks/tgw/crossform_backend.tf",
      "stacks/tgw/crossform_providers.tf",
      "stacks/tgw/crossform_variables.tf",
      "stacks/tgw/targets/prod.tfvars.json",
    ]);
    assert.deepEqual(
      generated.units.units.filter((u) => u.stack === "tgw").map((u) => u.id),
      ["tgw/prod/us-east-1"],
    );
  });
});

describe("every provider block", () => {
  test("carries allowed_account_ids, default or alias, in every configuration", () => {
    let checked = 0;
    for (const [name, yaml] of Object.entries(ALL_CONFIGS)) {
      const generated = generate(yaml, AWS_EVERYWHERE);
      for (const [path, text] of generated.byPath) {
        if (!path.endsWith("crossform_providers.tf")) continue;
        for (const provider of providerBlocks(path, text)) {
          checked += 1;
          const alias = provider.attributes.alias ?? "(default)";
          assert.ok(
            Array.isArray(provider.attributes.allowed_account_ids) &&
              provider.attributes.allowed_account_ids.length === 1,
            `${name}: ${path} provider ${String(alias)} has allowed_account_ids`,
          );
        }
      }
    }
    assert.ok(checked >= 15, `${checked} provider blocks checked`);
  });
});

describe("variables file", () => {
  test("declares exactly the crossform_* variables every unit's tfvars set, with types their values have", () => {
    let checked = 0;
    for (const [name, yaml] of Object.entries(ALL_CONFIGS)) {
      const generated = generate(yaml, AWS_EVERYWHERE);
      for (const unit of generated.units.units) {
        const dir = stackDir(generated, unit.stack);
        const declared = declaredVariables(
          `${name}: ${dir}crossform_variables.tf`,
          file(generated, `${dir}crossform_variables.tf`),
        );
        const vars = tfvars(generated, `${dir}targets/${unit.fileStem}.tfvars.json`);
        const set = Object.keys(vars).filter((key) => key.startsWith("crossform_"));
        assert.deepEqual(
          [...declared.keys()].sort(),
          set.sort(),
          `${name}: ${unit.id} sets what is declared`,
        );
        for (const key of set) {
          assert.ok(
            conforms(declared.get(key) as HclExpression, vars[key], key),
            `${name}: ${unit.id}: ${key} = ${JSON.stringify(vars[key])} has its declared type`,
          );
        }
        checked += 1;
      }
    }
    assert.ok(checked >= 15, `every unit of every configuration was checked (${checked})`);
  });

  test("the unit's own values: account, tier, region, role, external id and the committed session name", () => {
    const generated = generate(REFERENCES);
    const pick = (stem: string): Record<string, unknown> => {
      const vars = tfvars(generated, `stacks/app/targets/${stem}.tfvars.json`);
      return Object.fromEntries(
        Object.entries(vars).filter(
          ([key]) => key.startsWith("crossform_") && !key.startsWith("crossform_ref_"),
        ),
      );
    };
    assert.deepEqual(pick("dev"), {
      crossform_account_id: "111111111111",
      crossform_account_name: "dev",
      crossform_default_tags: {},
      crossform_external_id: null,
      crossform_region: "us-east-1",
      crossform_role_arn: "arn:aws:iam::111111111111:role/TerraformDeploy",
      crossform_session_name: "crossform-terraform",
      crossform_tier: "dev",
    });
    assert.deepEqual(pick("prod.eu-west-1"), {
      crossform_account_id: "333333333333",
      crossform_account_name: "prod",
      crossform_default_tags: {},
      crossform_external_id: "prod-ext",
      crossform_region: "eu-west-1",
      crossform_role_arn: "arn:aws:iam::333333333333:role/TerraformDeploy",
      crossform_session_name: "crossform-terraform",
      crossform_tier: "prod",
    });
  });

  test("every var reference in a generated .tf file names a declared variable and an attribute of its type", () => {
    let references = 0;
    for (const [name, yaml] of Object.entries(ALL_CONFIGS)) {
      const generated = generate(yaml, AWS_EVERYWHERE);
      for (const stack of generated.config.stacks.keys()) {
        const dir = stackDir(generated, stack);
        const declared = declaredVariables(
          `${dir}crossform_variables.tf`,
          file(generated, `${dir}crossform_variables.tf`),
        );
        for (const kind of ["crossform_providers.tf", "crossform_remote_state.tf"]) {
          const text = generated.byPath.get(`${dir}${kind}`);
          if (text === undefined) continue;
          const expressions: HclExpression[] = [];
          const collect = (block: HclBlock): void => {
            for (const a of block.body.attributes) expressions.push(a.expression);
            block.body.blocks.forEach(collect);
          };
          parse(`${dir}${kind}`, text).blocks.forEach(collect);
          for (const expression of expressions) {
            walkExpression(expression, (e) => {
              if (e.kind !== "traversal" || e.root !== "var") return;
              const [variable, attribute] = e.steps.map((s) => (s.kind === "attr" ? s.name : ""));
              const type = declared.get(variable ?? "");
              assert.ok(type, `${name}: ${dir}${kind}: var.${variable} is declared`);
              if (attribute !== undefined) {
                assert.ok(
                  objectTypeKeys(type)?.includes(attribute),
                  `${name}: ${dir}${kind}: var.${variable}.${attribute} is an attribute of its type`,
                );
              }
              references += 1;
            });
          }
        }
      }
    }
    assert.ok(references > 50, `references were found and checked (${references})`);
  });
});

describe("remote state file", () => {
  test("one terraform_remote_state per depends_on entry, reading the dependency's own backend settings", () => {
    const generated = generate(CENTRAL_STATE);
    const parsed = parse(
      "stacks/app/crossform_remote_state.tf",
      file(generated, "stacks/app/crossform_remote_state.tf"),
    );
    assert.deepEqual(
      parsed.blocks.map((b) => [b.type, ...b.labels]),
      [
        ["data", "terraform_remote_state", "network"],
        ["data", "terraform_remote_state", "dns"],
      ],
    );
    for (const block of parsed.blocks) {
      const dep = block.labels[1] as string;
      const v = `var.crossform_dep_${dep}`;
      assert.deepEqual(view(block).attributes, {
        backend: "s3",
        config: {
          bucket: { ref: `${v}.bucket` },
          key: { ref: `${v}.key` },
          region: { ref: `${v}.region` },
          allowed_account_ids: { ref: `${v}.allowed_account_ids` },
          assume_role: {
            role_arn: { ref: `${v}.role_arn` },
            session_name: { ref: `${v}.session_name` },
            external_id: { ref: `${v}.external_id` },
          },
        },
      });
    }

    // The values equal what the dependency's own backend file says: same account and region, or
    // the multi-account stack's single unit in its home.
    for (const [stem, network, dns] of [
      [
        "dev",
        "stacks/network/backends/dev.s3.tfbackend",
        "stacks/dns/backends/shared.s3.tfbackend",
      ],
      [
        "prod.eu-west-1",
        "stacks/network/backends/prod.eu-west-1.s3.tfbackend",
        "stacks/dns/backends/shared.s3.tfbackend",
      ],
    ] as const) {
      const vars = tfvars(generated, `stacks/app/targets/${stem}.tfvars.json`);
      for (const [key, backendPath] of [
        ["crossform_dep_network", network],
        ["crossform_dep_dns", dns],
      ] as const) {
        const backend = backendValues(backendPath, file(generated, backendPath)) as {
          bucket: string;
          key: string;
          region: string;
          allowed_account_ids: string[];
          assume_role: { role_arn: string; session_name: string; external_id?: string };
        };
        assert.deepEqual(
          vars[key],
          {
            bucket: backend.bucket,
            key: backend.key,
            region: backend.region,
            role_arn: backend.assume_role.role_arn,
            session_name: backend.assume_role.session_name,
            external_id: backend.assume_role.external_id ?? null,
            allowed_account_ids: backend.allowed_account_ids,
          },
          `${stem}: ${key} reads ${backendPath}`,
        );
      }
    }
  });

  test("a stack without depends_on gets no remote state file and no crossform_dep_ variable", () => {
    const generated = generate(CENTRAL_STATE);
    assert.equal(generated.byPath.has("stacks/network/crossform_remote_state.tf"), false);
    const vars = tfvars(generated, "stacks/network/targets/dev.tfvars.json");
    assert.deepEqual(
      Object.keys(vars).filter((key) => key.startsWith("crossform_dep_")),
      [],
    );
  });
});

describe("backend file", () => {
  const ONE = (extra: string, account = 'dev: { id: "111111111111" }'): string => `
version: 1
${extra}
accounts:
  ${account}
  state: { id: "555555555555", external_id: state-ext }
stacks:
  app: { path: stacks/app, accounts: [dev] }
`;
  const backendOf = (yaml: string): Record<string, unknown> => {
    const generated = generate(yaml);
    assert.equal(
      file(generated, "stacks/app/crossform_backend.tf").includes('backend "s3" {}'),
      true,
    );
    return backendValues(
      "stacks/app/backends/dev.s3.tfbackend",
      file(generated, "stacks/app/backends/dev.s3.tfbackend"),
    );
  };

  test("default: the state in the target account, S3 locking, the deploy role, guarded by its id", () => {
    assert.deepEqual(backendOf(ONE("")), {
      bucket: "crossform-state-111111111111-us-east-1",
      key: "app/terraform.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
      allowed_account_ids: ["111111111111"],
      assume_role: {
        role_arn: "arn:aws:iam::111111111111:role/TerraformDeploy",
        session_name: "crossform-terraform",
      },
    });
  });

  test("dynamodb locking names the table instead of use_lockfile", () => {
    const backend = backendOf(ONE('state: { lock: "dynamodb:tf-locks" }'));
    assert.equal(backend.dynamodb_table, "tf-locks");
    assert.equal("use_lockfile" in backend, false);
  });

  test("state.role in the target account, as a name or as an ARN", () => {
    const byName = backendOf(ONE("state: { role: StateAccess }"));
    assert.deepEqual(byName.assume_role, {
      role_arn: "arn:aws:iam::111111111111:role/StateAccess",
      session_name: "crossform-terraform",
    });
    assert.deepEqual(byName.allowed_account_ids, ["111111111111"]);
    const byArn = backendOf(
      ONE('state: { role: "arn:aws:iam::111111111111:role/path/StateReader" }'),
    );
    assert.equal(
      (byArn.assume_role as { role_arn: string }).role_arn,
      "arn:aws:iam::111111111111:role/path/StateReader",
    );
  });

  test("a central state account: its bucket, its id in allowed_account_ids, its deploy role or state.role, its external id", () => {
    const central = backendOf(ONE("state: { account: state }"));
    assert.deepEqual(central, {
      bucket: "crossform-state-555555555555-us-east-1",
      key: "dev/app/terraform.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
      allowed_account_ids: ["555555555555"],
      assume_role: {
        role_arn: "arn:aws:iam::555555555555:role/TerraformDeploy",
        session_name: "crossform-terraform",
        external_id: "state-ext",
      },
    });
    const withRole = backendOf(ONE("state: { account: state, role: StateAccess }"));
    assert.deepEqual(withRole.assume_role, {
      role_arn: "arn:aws:iam::555555555555:role/StateAccess",
      session_name: "crossform-terraform",
      external_id: "state-ext",
    });
    assert.deepEqual(withRole.allowed_account_ids, ["555555555555"]);
  });

  test("the target account's external id when it holds its own state", () => {
    const backend = backendOf(ONE("", 'dev: { id: "111111111111", external_id: dev-ext }'));
    assert.equal((backend.assume_role as { external_id: string }).external_id, "dev-ext");
  });

  test("a bucket without {region} lives in base.region; state.region overrides both", () => {
    const base = backendOf(
      ONE(
        'base: { region: eu-central-1 }\ndefaults: { regions: [us-east-1] }\nstate: { bucket: "tfstate-{account_id}" }',
      ),
    );
    assert.equal(base.region, "eu-central-1");
    // The key still names the unit's region: the one bucket holds every region's state.
    assert.equal(base.key, "app/us-east-1/terraform.tfstate");
    const explicit = backendOf(ONE("state: { region: ap-southeast-2 }"));
    assert.equal(explicit.region, "ap-southeast-2");
    assert.equal(explicit.bucket, "crossform-state-111111111111-us-east-1");
  });

  test("a stack with its own backend block gets no crossform_backend.tf, but still its backend files", () => {
    const generated = generate(ONE(""), { app: { hasBackendBlock: true } });
    assert.equal(generated.byPath.has("stacks/app/crossform_backend.tf"), false);
    assert.ok(generated.byPath.has("stacks/app/backends/dev.s3.tfbackend"));
  });

  test("the session name of the backend is rendered for the account that holds the state", () => {
    const generated = generate(CENTRAL_STATE);
    const backend = backendValues(
      "stacks/app/backends/dev.s3.tfbackend",
      file(generated, "stacks/app/backends/dev.s3.tfbackend"),
    );
    assert.deepEqual(backend.assume_role, {
      role_arn: "arn:aws:iam::555555555555:role/StateAccess",
      session_name: "cf-state-app-terraform",
      external_id: "state-ext",
    });
    assert.equal(backend.dynamodb_table, "tf-locks");
    const vars = tfvars(generated, "stacks/app/targets/dev.tfvars.json");
    assert.equal(vars.crossform_session_name, "cf-dev-app-terraform");
  });
});

describe("tfvars file", () => {
  test('a leading "//" notice, keys sorted at every depth, 2-space indentation, a trailing newline', () => {
    for (const [name, yaml] of Object.entries(ALL_CONFIGS)) {
      const generated = generate(yaml);
      for (const { path, contents } of generated.files) {
        if (!path.endsWith(".tfvars.json")) continue;
        const parsed = JSON.parse(contents) as Record<string, unknown>;
        const keys = Object.keys(parsed);
        assert.equal(keys[0], "//", `${name}: ${path}`);
        assert.equal(parsed["//"], GENERATED_NOTICE);
        const sorted = (value: unknown, where: string): void => {
          if (typeof value !== "object" || value === null) return;
          if (Array.isArray(value)) {
            value.forEach((item, i) => sorted(item, `${where}[${i}]`));
            return;
          }
          const own = Object.keys(value).filter((key) => key !== "//");
          assert.deepEqual(own, [...own].sort(), `${name}: ${path}: keys of ${where} are sorted`);
          for (const key of own) sorted((value as Record<string, unknown>)[key], `${where}.${key}`);
        };
        sorted(parsed, "tfvars");
        assert.equal(contents, `${JSON.stringify(parsed, null, 2)}\n`, `${name}: ${path}`);
      }
    }
  });

  test("vars merge defaults < account < stack < targets by top-level name, last wins", () => {
    const generated = generate(CENTRAL_STATE);
    const user = (path: string): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(tfvars(generated, path)).filter(
          ([key]) => key !== "//" && !key.startsWith("crossform_"),
        ),
      );
    assert.deepEqual(user("stacks/app/targets/dev.tfvars.json"), {
      a: 1,
      b: 2,
      c: 3,
      d: 4,
      nested: { from: "account" },
    });
    assert.deepEqual(user("stacks/app/targets/prod.us-east-1.tfvars.json"), {
      a: 1,
      b: 1,
      c: 3,
      d: 3,
      nested: { from: "defaults", keep: true },
    });
    assert.deepEqual(user("stacks/network/targets/dev.tfvars.json"), {
      a: 1,
      b: 2,
      c: 2,
      d: 2,
      nested: { from: "account" },
    });
  });

  test("default_tags merge defaults < account < stack", () => {
    const generated = generate(CENTRAL_STATE);
    const tags = (path: string): unknown => tfvars(generated, path).crossform_default_tags;
    assert.deepEqual(tags("stacks/app/targets/dev.tfvars.json"), {
      env: "dev",
      level: "stack",
      owner: "platform",
      stack: "app",
    });
    assert.deepEqual(tags("stacks/app/targets/prod.eu-west-1.tfvars.json"), {
      env: "none",
      level: "stack",
      owner: "platform",
      stack: "app",
    });
    assert.deepEqual(tags("stacks/network/targets/dev.tfvars.json"), {
      env: "dev",
      level: "account",
      owner: "platform",
    });
  });
});

describe("file names", () => {
  test("[.<region>] appears exactly when the account deploys the stack to several regions", () => {
    const yaml = `
version: 1
accounts:
  one: { id: "111111111111", regions: [us-east-1] }
  two: { id: "222222222222", regions: [us-east-1, eu-west-1] }
stacks:
  own: { path: stacks/own, accounts: [one, two] }
  both: { path: stacks/both, accounts: [one, two], regions: [us-east-1, ap-south-1] }
  single: { path: stacks/single, accounts: [one, two], regions: [eu-west-1] }
`;
    const generated = generate(yaml);
    const stems = (stack: string): string[] =>
      [...generated.byPath.keys()]
        .filter((p) => p.startsWith(`stacks/${stack}/backends/`))
        .map((p) => p.slice(`stacks/${stack}/backends/`.length, -".s3.tfbackend".length))
        .sort();
    assert.deepEqual(stems("own"), ["one", "two.eu-west-1", "two.us-east-1"]);
    assert.deepEqual(stems("both"), [
      "one.ap-south-1",
      "one.us-east-1",
      "two.ap-south-1",
      "two.us-east-1",
    ]);
    assert.deepEqual(stems("single"), ["one", "two"]);
    for (const unit of generated.units.units) {
      const base = `stacks/${unit.stack}`;
      assert.ok(generated.byPath.has(`${base}/backends/${unit.fileStem}.s3.tfbackend`));
      assert.ok(generated.byPath.has(`${base}/targets/${unit.fileStem}.tfvars.json`));
      assert.equal(
        tfvars(generated, `${base}/targets/${unit.fileStem}.tfvars.json`).crossform_region,
        unit.region,
      );
    }
  });

  test("a stack at the config's own directory writes its files there", () => {
    const generated = generate(AWKWARD_TEXT);
    assert.deepEqual([...generated.byPath.keys()].sort(), [
      "backends/ops.s3.tfbackend",
      "crossform_backend.tf",
      "crossform_variables.tf",
      "targets/ops.tfvars.json",
    ]);
  });
});

describe("stability and formatting", () => {
  test("the same input gives the same bytes", () => {
    for (const yaml of Object.values(ALL_CONFIGS)) {
      assert.deepEqual(generate(yaml, AWS_EVERYWHERE).files, generate(yaml, AWS_EVERYWHERE).files);
    }
  });

  test("per-account files do not depend on the order of accounts or stacks; multi-account aliases follow accounts:", () => {
    const reordered = `
version: 1
defaults:
  regions: [us-east-1]
  default_tags: { managed-by: crossform }
state:
  bucket: "acme-{account_id}-{region}"
  key: "{stack}/terraform.tfstate"
accounts:
  shared: { id: "444444444444", tier: shared }
  prod: { id: "333333333333", tier: prod, approval: required, regions: [us-east-1, eu-west-1] }
  staging: { id: "222222222222", tier: staging }
  dev: { id: "111111111111", tier: dev, tags: { team: pay } }
stacks:
  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }
  app:
    path: stacks/app
    accounts: [dev, staging, prod]
    depends_on: [network]
    references: { shared: shared }
  network:
    path: stacks/network
    accounts: ["tier:dev", "tier:staging", "tier:prod"]
    vars: { cidr_prefix: "10.0" }
    targets: { prod: { vars: { cidr_prefix: "10.100" } } }
waves:
  - ["tier:dev"]
  - ["tier:staging"]
  - { name: prod, select: ["tier:prod"] }
  - ["tier:shared"]
`;
    const original = generate(QUICKSTART_LIKE, AWS_EVERYWHERE);
    const moved = generate(reordered, AWS_EVERYWHERE);
    assert.deepEqual([...moved.byPath.keys()].sort(), [...original.byPath.keys()].sort());
    for (const [path, contents] of original.byPath) {
      if (path.startsWith("stacks/dns/")) continue;
      assert.equal(moved.byPath.get(path), contents, path);
    }
    const aliases = (generated: Generated): unknown[] =>
      providerBlocks(
        "stacks/dns/crossform_providers.tf",
        file(generated, "stacks/dns/crossform_providers.tf"),
      ).map((p) => p.attributes.alias);
    // The default provider (no alias) comes first, then the aliases.
    assert.deepEqual(aliases(original), [undefined, "prod_us_east_1", "prod_eu_west_1", "shared"]);
    assert.deepEqual(aliases(moved), [undefined, "shared", "prod_us_east_1", "prod_eu_west_1"]);
  });

  test("every .tf and .tfbackend starts with the header and equals what terraform fmt writes", async () => {
    const tf: GeneratedFile[] = [];
    const backends = new Set<string>();
    for (const yaml of Object.values(ALL_CONFIGS)) {
      for (const generatedFile of generate(yaml, AWS_EVERYWHERE).files) {
        if (generatedFile.path.endsWith(".tfvars.json")) continue;
        assert.ok(
          generatedFile.contents.startsWith(`${GENERATED_HEADER}\n\n`),
          `${generatedFile.path} starts with the header`,
        );
        if (generatedFile.path.endsWith(".tf")) tf.push(generatedFile);
        else backends.add(generatedFile.contents);
      }
    }
    const formatted = await terraformFmtMany(tf.map((f) => f.contents));
    tf.forEach((f, i) => assert.equal(formatted[i], f.contents, `${f.path} is fmt-clean`));
    // Formatting a directory is formatting each file as stdin is; three go through stdin as well.
    const distinct = [...backends];
    const formattedBackends = await terraformFmtMany(distinct);
    distinct.forEach((text, i) => assert.equal(formattedBackends[i], text));
    for (const text of distinct.slice(0, 3)) assert.equal(await terraformFmt(text), text);
    assert.ok(
      tf.length > 20 && distinct.length > 10,
      `${tf.length} .tf, ${distinct.length} .tfbackend`,
    );
  });

  test("escaped text survives: the backend holds the external id and key exactly as configured", () => {
    const generated = generate(AWKWARD_TEXT);
    const backend = backendValues(
      "backends/ops.s3.tfbackend",
      file(generated, "backends/ops.s3.tfbackend"),
    );
    assert.deepEqual(backend.assume_role, {
      role_arn: "arn:aws:iam::666666666666:role/TerraformDeploy",
      session_name: "deploy-ops",
      external_id: 'quote"back\\slash%{x}${y}',
    });
    assert.equal(backend.key, "root/us-east-1/terraform.tfstate");
    assert.equal(backend.bucket, "tfstate-666666666666");
  });
});
