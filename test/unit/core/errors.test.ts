import assert from "node:assert/strict";
import { test } from "node:test";
import { CrossformError, formatPosition } from "../../../src/core/errors.ts";

test("a crossform error keeps its code, source and hint", () => {
  const error = new CrossformError("config/bad", "user", "bad value", { hint: "fix it" });
  assert.equal(error.code, "config/bad");
  assert.equal(error.source, "user");
  assert.equal(error.hint, "fix it");
  assert.equal(error.message, "bad value");
});

test("positions print as file:line:column", () => {
  assert.equal(
    formatPosition({ file: "crossform.yaml", line: 3, column: 7 }),
    "crossform.yaml:3:7",
  );
});
