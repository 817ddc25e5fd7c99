import assert from "node:assert/strict";
import { test } from "node:test";
import { configJsonSchema, configSchema } from "../../../../src/core/config/schema.ts";

test("the JSON Schema names itself and requires version and accounts", () => {
  const schema = configJsonSchema();
  assert.equal(schema["$id"], "https://crossform.dev/schema/crossform.schema.json");
  assert.equal(schema["title"], "crossform.yaml");
  assert.deepEqual(schema["required"], ["version", "accounts"]);
  assert.equal(schema["additionalProperties"], false);
});

test("every top-level key of the contract is in the JSON Schema", () => {
  const properties = Object.keys(configJsonSchema()["properties"] as Record<string, unknown>);
  for (const key of [
    "version",
    "base",
    "defaults",
    "state",
    "accounts",
    "stacks",
    "waves",
    "guards",
    "run",
    "terraform",
    "lint",
    "bootstrap",
    "ci",
    "profiles",
  ]) {
    assert.ok(properties.includes(key), key);
  }
});

test("keys carry descriptions for editors", () => {
  const properties = configJsonSchema()["properties"] as Record<string, { description?: string }>;
  assert.match(properties["waves"]?.description ?? "", /exactly one wave/);
  assert.match(properties["accounts"]?.description ?? "", /accounts/);
});

test("a minimal configuration is valid; unknown keys are not", () => {
  assert.equal(
    configSchema.safeParse({ version: 1, accounts: { dev: { id: "111111111111" } } }).success,
    true,
  );
  assert.equal(
    configSchema.safeParse({ version: 1, accounts: { dev: { id: "111111111111", colour: 1 } } })
      .success,
    false,
  );
});

test("the account id must be 12 digits as a string", () => {
  const parse = (id: unknown): boolean =>
    configSchema.safeParse({ version: 1, accounts: { dev: { id } } }).success;
  assert.equal(parse("011111111111"), true);
  assert.equal(parse(111111111111), false);
  assert.equal(parse("11111111111"), false);
  assert.equal(parse("1111111111111"), false);
});

test("lock accepts s3 and dynamodb:<table> only", () => {
  const parse = (lock: string): boolean =>
    configSchema.safeParse({ version: 1, accounts: {}, state: { lock } }).success;
  assert.equal(parse("s3"), true);
  assert.equal(parse("dynamodb:terraform-locks"), true);
  assert.equal(parse("dynamodb:"), false);
  assert.equal(parse("dynamo"), false);
});
