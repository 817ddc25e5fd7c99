import assert from "node:assert/strict";
import { test } from "node:test";
import { didYouMean, editDistance } from "../../../../src/core/config/did-you-mean.ts";

test("edit distance counts insertions, deletions and substitutions", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("region", "region"), 0);
  assert.equal(editDistance("regon", "region"), 1);
  assert.equal(editDistance("regions", "region"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
});

test("an adjacent transposition is one edit, not two", () => {
  assert.equal(editDistance("stcaks", "stacks"), 1);
  assert.equal(editDistance("rgeion", "region"), 1);
  assert.equal(editDistance("ab", "ba"), 1);
  assert.equal(editDistance("ca", "abc"), 3);
});

test("a likely typo gets the closest candidate", () => {
  const keys = ["version", "base", "defaults", "state", "accounts", "stacks", "waves"];
  assert.equal(didYouMean("acounts", keys), "accounts");
  assert.equal(didYouMean("stcaks", keys), "stacks");
  assert.equal(didYouMean("wave", keys), "waves");
  assert.equal(didYouMean("Version", keys), "version");
  assert.equal(didYouMean("regon", ["profile", "region"]), "region");
});

test("a transposed two-letter word is still recognised", () => {
  assert.equal(didYouMean("ba", ["ab"]), "ab");
});

test("the closest of several candidates wins; on a tie the first", () => {
  assert.equal(didYouMean("regon", ["regions", "region"]), "region");
  assert.equal(didYouMean("pro", ["prod", "prog"]), "prod");
});

test("a prefix or substring alone is not a suggestion", () => {
  assert.equal(didYouMean("acc", ["accounts", "account"]), undefined);
  assert.equal(didYouMean("net", ["network"]), undefined);
  assert.equal(didYouMean("prod", ["production"]), undefined);
});

test("unrelated words get no suggestion", () => {
  assert.equal(didYouMean("colour", ["version", "accounts", "stacks"]), undefined);
  assert.equal(didYouMean("netwrk", ["app"]), undefined);
  assert.equal(didYouMean("x", []), undefined);
});
