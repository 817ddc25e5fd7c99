import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAdoptMapping } from "../../../../src/core/adopt/adopt-mapping.ts";
import { adoptMoves } from "../../../../src/core/adopt/adopt-moves.ts";
import type { MovesResult } from "../../../../src/core/adopt/adopt-moves.ts";
import { sourceObjectKey, sourceUrl } from "../../../../src/core/adopt/state-source.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";

const read = readConfigText(
  `
version: 1
base: { region: us-east-1 }
defaults: { role: TerraformDeploy, regions: [us-east-1] }
state: { bucket: "tfstate-{account_id}", key: "{stack}.tfstate", role: StateAccess }
accounts:
  dev: { id: "111111111111" }
  prod: { id: "333333333333", external_id: "ext-prod" }
stacks:
  app: { path: app, accounts: [dev, prod] }
`,
  "crossform.yaml",
);
if (!read.ok) throw new Error(JSON.stringify(read.diagnostics));
const { config, units } = read;

function movesOf(text: string): MovesResult {
  const parsed = parseAdoptMapping(text, "adopt.yaml");
  if (!parsed.ok) return parsed;
  return adoptMoves(config, units, parsed.mapping);
}

test("workspaces of one backend: the defaults of from:, each workspace's key under env:/", () => {
  const result = movesOf(`version: 1
from: { bucket: legacy, key: app/terraform.tfstate, region: eu-west-1 }
moves:
  app/dev/us-east-1: { workspace: dev }
  app/prod/us-east-1: { workspace: prod, workspace_key_prefix: workspaces }
`);
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(
    result.moves.map((m) => [m.unit.id, sourceUrl(m.source), m.source.region, m.source.access]),
    [
      [
        "app/dev/us-east-1",
        "s3://legacy/env:/dev/app/terraform.tfstate",
        "eu-west-1",
        { kind: "base" },
      ],
      [
        "app/prod/us-east-1",
        "s3://legacy/workspaces/prod/app/terraform.tfstate",
        "eu-west-1",
        { kind: "base" },
      ],
    ],
  );
});

test("the default workspace is the key itself; account: reads through that account's state role, role_arn through its own", () => {
  const result = movesOf(`version: 1
moves:
  app/dev/us-east-1: { bucket: shared-b, key: dev.tfstate, workspace: default, account: prod }
  app/prod/us-east-1: { bucket: shared-b, key: prod.tfstate, role_arn: "arn:aws:iam::111111111111:role/Old" }
`);
  assert.ok(result.ok, JSON.stringify(result));
  const [dev, prod] = result.moves;
  assert.equal(sourceObjectKey(dev!.source), "dev.tfstate");
  assert.deepEqual(dev!.source.access, {
    kind: "role",
    roleArn: "arn:aws:iam::333333333333:role/StateAccess",
    accountId: "333333333333",
    accountName: "prod",
    externalId: "ext-prod",
  });
  assert.deepEqual(prod!.source.access, {
    kind: "role",
    roleArn: "arn:aws:iam::111111111111:role/Old",
    accountId: "111111111111",
    accountName: "dev",
    externalId: undefined,
  });
});

test("bad mappings are refused with file, line and column, every problem at once", () => {
  const result = movesOf(`version: 1
from: { bucket: legacy, key: k }
moves:
  app/dev/us-east-1: { workspace: dev }
  app/qa/us-east-1: { workspace: qa }
  app/prod/us-east-1: { workspace: dev }
`);
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.ok ? [] : result.diagnostics.map((d) => [d.code, d.position?.line, d.message]),
    [
      ["adopt/unknown-unit", 5, 'no unit "app/qa/us-east-1" in crossform.yaml'],
      [
        "adopt/source-twice",
        6,
        "moves to app/dev/us-east-1 and app/prod/us-east-1 both read s3://legacy/env:/dev/k",
      ],
    ],
  );
});

test("a unit's own or another unit's current state is never a source", () => {
  const result = movesOf(`version: 1
moves:
  app/dev/us-east-1: { bucket: tfstate-111111111111, key: app.tfstate }
  app/prod/us-east-1: { bucket: tfstate-111111111111, key: app.tfstate }
`);
  assert.deepEqual(result.ok ? [] : result.diagnostics.map((d) => d.code), [
    "adopt/already-there",
    "adopt/source-is-a-unit",
  ]);
});

test("schema problems name the key and its line; incomplete sources and two ways to read are refused", () => {
  const schema = parseAdoptMapping(
    "version: 1\nmoves:\n  app/dev/us-east-1: { bukket: x }\n",
    "adopt.yaml",
  );
  assert.equal(schema.ok, false);
  assert.deepEqual(
    schema.ok ? [] : schema.diagnostics.map((d) => [d.code, d.position?.line, d.message]),
    [["adopt/mapping-invalid", 3, 'unknown key "bukket" in moves.app/dev/us-east-1']],
  );
  const incomplete = movesOf(`version: 1
moves:
  app/dev/us-east-1: { key: k }
  app/prod/us-east-1: { bucket: b, key: k, account: prod, role_arn: "arn:aws:iam::333333333333:role/X" }
`);
  assert.deepEqual(incomplete.ok ? [] : incomplete.diagnostics.map((d) => d.message), [
    "move to app/dev/us-east-1: the source needs a bucket and a key",
    "move to app/prod/us-east-1: role_arn and account both say how to read the source: keep one",
  ]);
  const syntax = parseAdoptMapping("version: 1\nmoves: [\n", "adopt.yaml");
  assert.equal(syntax.ok ? "" : syntax.diagnostics[0]?.code, "adopt/mapping-syntax");
});
