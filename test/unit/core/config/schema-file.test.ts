import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { configJsonSchema } from "../../../../src/core/config/schema.ts";

test("the committed schema/crossform.schema.json equals the schema generated from the validator", () => {
  const committed = readFileSync(
    new URL("../../../../schema/crossform.schema.json", import.meta.url),
    "utf8",
  );
  const generated = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  assert.equal(
    committed,
    generated,
    "schema/crossform.schema.json is stale: run `npm run schema` and commit it",
  );
});

test("the JSON Schema knows every top-level key of crossform.yaml and rejects others", () => {
  const schema = configJsonSchema() as {
    properties: Record<string, unknown>;
    additionalProperties: boolean;
    required: string[];
  };
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
    assert.ok(key in schema.properties, `missing ${key}`);
  }
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required.sort(), ["accounts", "version"]);
});
