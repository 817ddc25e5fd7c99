import assert from "node:assert/strict";
import { test } from "node:test";
import { RETRY_DELAYS_MS, transientReason } from "../../../../src/core/run/transient.ts";

test("transient: throttling, network, unavailable services, downloads", () => {
  const cases: [string, string | undefined][] = [
    ["api error ThrottlingException: Rate exceeded", "AWS throttling"],
    ["operation error S3: GetObject, api error SlowDown", "AWS throttling"],
    ['Get "https://sts.amazonaws.com": dial tcp: i/o timeout', "a network error"],
    ["read tcp 10.0.0.1:443: connection reset by peer", "a network error"],
    ["dial tcp: lookup registry.terraform.io: no such host", "a network error"],
    ["StatusCode: 503 Service Unavailable", "an unavailable service"],
    ["Error: Failed to install provider", "a provider or module download"],
    ["Failed to query available provider packages", "a provider or module download"],
  ];
  for (const [stderr, reason] of cases) assert.equal(transientReason(stderr), reason, stderr);
});

test("not transient: configuration errors, missing state, a held lock even with network words", () => {
  for (const stderr of [
    "Error: Unsupported argument",
    "Error: Unable to find remote state",
    "Error: Invalid provider configuration",
    "Error: Error acquiring the state lock\nconnection reset by peer",
  ]) {
    assert.equal(transientReason(stderr), undefined, stderr);
  }
});

test("three attempts in all, the waits growing", () => {
  assert.deepEqual(RETRY_DELAYS_MS, [2000, 8000]);
});
