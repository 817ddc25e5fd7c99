import assert from "node:assert/strict";
import { test } from "node:test";
import { readBaseSettings } from "../../../../src/core/discover/base-settings.ts";

test("base.profile and base.region are read even when the rest does not validate", () => {
  assert.deepEqual(
    readBaseSettings("version: 1\nbase: { profile: org-admin, region: eu-west-1 }\naccounts: 3\n"),
    {
      profile: "org-admin",
      region: "eu-west-1",
    },
  );
});

test("missing or non-string settings count as not set", () => {
  assert.deepEqual(readBaseSettings("version: 1\nbase: { profile: 42 }\n"), {
    profile: undefined,
    region: undefined,
  });
  assert.deepEqual(readBaseSettings("- a list\n"), { profile: undefined, region: undefined });
  assert.deepEqual(readBaseSettings(""), { profile: undefined, region: undefined });
});
