import assert from "node:assert/strict";
import { test } from "node:test";
import {
  LOCK_TABLE_BILLING_MODE,
  LOCK_TABLE_HASH_KEY,
  lockTableChange,
} from "../../../../src/core/bootstrap/lock-table.ts";

test("the lock table Terraform's S3 backend expects: hash key LockID, on demand", () => {
  assert.equal(LOCK_TABLE_HASH_KEY, "LockID");
  assert.equal(LOCK_TABLE_BILLING_MODE, "PAY_PER_REQUEST");
});

test("a missing table is created, a LockID table in any status is kept", () => {
  assert.deepEqual(lockTableChange(undefined), { kind: "create" });
  assert.deepEqual(lockTableChange({ status: "ACTIVE", hashKey: "LockID" }), { kind: "unchanged" });
  assert.deepEqual(lockTableChange({ status: "CREATING", hashKey: "LockID" }), {
    kind: "unchanged",
  });
});

test("a table with another hash key is reported with that key, never recreated", () => {
  assert.deepEqual(lockTableChange({ status: "ACTIVE", hashKey: "id" }), {
    kind: "wrong-key",
    hashKey: "id",
  });
  assert.deepEqual(lockTableChange({ status: "ACTIVE", hashKey: undefined }), {
    kind: "wrong-key",
    hashKey: undefined,
  });
});
