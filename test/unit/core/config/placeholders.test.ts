import assert from "node:assert/strict";
import { test } from "node:test";
import {
  placeholdersIn,
  renderPattern,
  SESSION_PLACEHOLDERS,
  STATE_PLACEHOLDERS,
  unknownPlaceholders,
} from "../../../../src/core/config/placeholders.ts";

test("state patterns know the contract's placeholders", () => {
  assert.deepEqual(
    [...STATE_PLACEHOLDERS],
    ["account", "account_id", "region", "stack", "tier", "state_account_id"],
  );
  assert.deepEqual([...SESSION_PLACEHOLDERS], ["user", "account", "stack"]);
});

test("placeholders are found in order of appearance", () => {
  assert.deepEqual(placeholdersIn("tf-{account_id}-{region}/{stack}"), [
    "account_id",
    "region",
    "stack",
  ]);
  assert.deepEqual(placeholdersIn("plain-bucket"), []);
  assert.deepEqual(placeholdersIn("a-{}-b"), [""]);
});

test("unknown placeholders are reported, known ones are not", () => {
  assert.deepEqual(unknownPlaceholders("tf-{acount_id}-{region}", STATE_PLACEHOLDERS), [
    "acount_id",
  ]);
  assert.deepEqual(unknownPlaceholders("crossform-{user}-{region}", SESSION_PLACEHOLDERS), [
    "region",
  ]);
  assert.deepEqual(unknownPlaceholders("{Account}", STATE_PLACEHOLDERS), ["Account"]);
  assert.deepEqual(unknownPlaceholders("tf-{state_account_id}", STATE_PLACEHOLDERS), []);
});

test("rendering replaces every occurrence and leaves unknown names alone", () => {
  const values = { account: "dev", account_id: "111111111111", region: "us-east-1" };
  assert.equal(
    renderPattern("{account}/{account_id}-{region}-{account}", values),
    "dev/111111111111-us-east-1-dev",
  );
  assert.equal(renderPattern("x-{nope}", values), "x-{nope}");
});
