import assert from "node:assert/strict";
import { test } from "node:test";
import { heldLockMessage, parseHeldLock } from "../../../../src/core/run/lock-info.ts";

const BOXED = [
  "╷",
  "│ Error: Error acquiring the state lock",
  "│ ",
  "│ Error message: operation error S3: PutObject, https response error",
  "│ StatusCode: 412, api error PreconditionFailed",
  "│ Lock Info:",
  "│   ID:        a3a03e96-b71c-f2fd-e0d5-9dd27c007125",
  "│   Path:      run-b/slow/terraform.tfstate",
  "│   Operation: OperationTypeApply",
  "│   Who:       root@vm",
  "│   Version:   1.11.4",
  "│   Created:   2026-12-02 12:47:23.699649781 +0000 UTC",
  "│   Info:      ",
  "│ ",
  "│ ",
  "│ Terraform acquires a state lock to protect the state from being written",
  "╵",
].join("\n");

test("the lock info of Terraform's boxed error is read field by field", () => {
  assert.deepEqual(parseHeldLock(BOXED), {
    id: "a3a03e96-b71c-f2fd-e0d5-9dd27c007125",
    path: "run-b/slow/terraform.tfstate",
    operation: "OperationTypeApply",
    who: "root@vm",
    version: "1.11.4",
    created: "2026-12-02 12:47:23.699649781 +0000 UTC",
  });
});

test("other failures are not lock failures; a lock error without its info is an empty lock", () => {
  assert.equal(parseHeldLock("Error: Unsupported argument"), undefined);
  assert.deepEqual(parseHeldLock("Error: Error acquiring the state lock\nsomething else"), {});
});

test("the message names the holder, the wait and what to do", () => {
  const lock = parseHeldLock(BOXED)!;
  assert.equal(
    heldLockMessage("apply", lock, 30),
    "terraform apply: the state run-b/slow/terraform.tfstate is locked by root@vm, for OperationTypeApply, since 2026-12-02 12:47:23.699649781 +0000 UTC, lock id a3a03e96-b71c-f2fd-e0d5-9dd27c007125 (waited 30 s): another run is working on it; not retried: wait for it, or pass --lock-timeout (e.g. 5m) to have terraform wait",
  );
  assert.equal(
    heldLockMessage("plan", {}, 0),
    "terraform plan: the state is locked: another run is working on it; not retried: wait for it, or pass --lock-timeout (e.g. 5m) to have terraform wait",
  );
});
