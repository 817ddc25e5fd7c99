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
