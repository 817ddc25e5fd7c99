import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeReplanExcess,
  plannedAddresses,
  replanExcess,
} from "../../../../src/core/run/replan-scope.ts";
import { formatReplanExcess } from "../../../../src/formatters/replan-excess.ts";
import {
  planSummary as summary,
  resourceChange as resource,
} from "../../../helpers/plan-summaries.ts";

test("the same addresses with other actions that destroy nothing stay within the approval", () => {
  const approved = { summary: summary(resource("a.x", "create"), resource("a.y", "update")) };
  assert.deepEqual(
    replanExcess(approved, summary(resource("a.x", "update"), resource("a.y", "forget"))),
    [],
  );
  // fewer resources is fine too
  assert.deepEqual(replanExcess(approved, summary(resource("a.y", "update"))), []);
});

test("an address the approved plan did not show, and a destroy or replace it did not have, are the excess", () => {
  const approved = {
    summary: summary(resource("a.x", "update"), resource("a.gone", "delete")),
    addresses: ["a.x", "a.gone", "a.kept"],
  };
  const replanned = summary(
    resource("a.x", "replace", { replacedBy: ["input"] }),
    resource("a.gone", "delete"),
    resource("a.kept", "update"),
    resource("a.new", "create"),
    resource("a.kept2", "delete"),
  );
  assert.deepEqual(replanExcess(approved, replanned), [
    { address: "a.x", action: "replace", reason: "new-destroy", replacedBy: ["input"] },
    { address: "a.new", action: "create", reason: "not-shown", replacedBy: [] },
    { address: "a.kept2", action: "delete", reason: "new-destroy", replacedBy: [] },
  ]);
  assert.equal(
    describeReplanExcess(replanExcess(approved, replanned)),
    "destroys or replaces a.x (replace), a.kept2 (delete); touches a.new (create), not in the approved plan",
  );
});

test("a unit without an approved plan: plain creates are covered, anything else is not", () => {
  const replanned = summary(
    resource("a.new", "create"),
    resource("a.imported", "create", { importing: true }),
    resource("a.old", "update"),
    resource("a.moved", "create", { previousAddress: "a.before" }),
    resource("a.gone", "delete"),
  );
  assert.deepEqual(
    replanExcess(undefined, replanned).map((e) => [e.address, e.reason]),
    [
      ["a.imported", "not-shown"],
      ["a.old", "not-shown"],
      ["a.moved", "not-shown"],
      ["a.gone", "new-destroy"],
    ],
  );
});

test("plannedAddresses: every managed instance of the plan, no-op ones included, no data sources", () => {
  const json = JSON.stringify({
    format_version: "1.2",
    resource_changes: [
      { address: "terraform_data.a", mode: "managed", change: { actions: ["no-op"] } },
      { address: "data.x.y", mode: "data", change: { actions: ["read"] } },
      {
        address: 'module.m.aws_s3_bucket.b["k"]',
        mode: "managed",
        change: { actions: ["update"] },
      },
    ],
  });
  assert.deepEqual(plannedAddresses(json), ["terraform_data.a", 'module.m.aws_s3_bucket.b["k"]']);
  assert.deepEqual(plannedAddresses("not json"), []);
  assert.deepEqual(plannedAddresses("{}"), []);
});

test("formatReplanExcess: one line a resource, with why the approval does not cover it", () => {
  assert.equal(
    formatReplanExcess([
      {
        address: "terraform_data.app",
        action: "replace",
        reason: "new-destroy",
        replacedBy: ["input"],
      },
      { address: "terraform_data.x", action: "create", reason: "not-shown", replacedBy: [] },
    ]),
    "  ±  terraform_data.app  replace: the approved plan did not destroy or replace it (forced by input)\n" +
      "  +  terraform_data.x    create: not in the approved plan\n",
  );
});
