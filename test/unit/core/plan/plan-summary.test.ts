/**
 * Plan summaries of plan JSON fragments for what terraform_data cannot produce here
 * (resource_drift, data sources, child-module values); the shapes follow Terraform's JSON
 * output format (format_version 1.2).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CrossformError } from "../../../../src/core/errors.ts";
import {
  foldActions,
  planHasChanges,
  planSensitiveStrings,
  stateSensitiveStrings,
  summarizeOutputs,
  summarizePlan,
} from "../../../../src/core/plan/plan-summary.ts";

const base = { format_version: "1.2", terraform_version: "1.11.4", errored: false };

test("foldActions: create+delete in either order is replace", () => {
  assert.equal(foldActions(["delete", "create"]), "replace");
  assert.equal(foldActions(["create", "delete"]), "replace");
  assert.equal(foldActions(["create"]), "create");
  assert.equal(foldActions(["update"]), "update");
  assert.equal(foldActions(["delete"]), "delete");
  assert.equal(foldActions(["forget"]), "forget");
  assert.equal(foldActions(["read"]), "read");
  assert.equal(foldActions(["no-op"]), "no-op");
  assert.equal(foldActions([]), "no-op");
});

test("resource_drift is counted and listed with redacted attribute changes", () => {
  const summary = summarizePlan({
    ...base,
    resource_drift: [
      {
        address: "aws_security_group.web",
        mode: "managed",
        change: {
          actions: ["update"],
          before: { ingress: ["10.0.0.0/8"], description: "web", password: "pw-drift-0001" },
          after: {
            ingress: ["10.0.0.0/8", "0.0.0.0/0"],
            description: "web",
            password: "pw-drift-0002",
          },
          after_unknown: {},
          before_sensitive: { password: true },
          after_sensitive: { password: true },
        },
      },
    ],
  });
  assert.equal(summary.drift, 1);
  assert.equal(planHasChanges(summary), false);
  assert.deepEqual(summary.drifted[0]?.attributes, [
    {
      name: "ingress",
      before: ["10.0.0.0/8"],
      after: ["10.0.0.0/8", "0.0.0.0/0"],
      sensitive: false,
      unknown: false,
    },
    {
      name: "password",
      before: "(sensitive)",
      after: "(sensitive)",
      sensitive: true,
      unknown: false,
    },
  ]);
  assert.ok(!JSON.stringify(summary).includes("pw-drift"));
});

test("drift that only turns an unset collection into an empty one is none (the aws provider's tags: null -> {})", () => {
  // What hashicorp/aws 5.100.0 reports in a refresh-only plan right after an apply with
  // default_tags: every resource's `tags` goes from null to {}.
  const drift = (address: string, before: object, after: object) => ({
    address,
    mode: "managed",
    change: { actions: ["update"], before, after, after_unknown: {} },
  });
  const summary = summarizePlan({
    ...base,
    resource_drift: [
      drift("aws_s3_bucket.artifacts", { bucket: "b", tags: null }, { bucket: "b", tags: {} }),
      drift(
        "aws_ssm_parameter.cidr_block",
        { insecure_value: "10.0.0.0/16", tags: null, version: 1 },
        { insecure_value: "10.99.0.0/16", tags: {}, version: 2 },
      ),
      drift("aws_iam_role.nested", { limits: [{ a: null, b: [] }] }, { limits: [{ b: {} }] }),
      drift("aws_iam_role.tagged", { tags: null }, { tags: { owner: "someone" } }),
    ],
  });
  assert.deepEqual(
    summary.drifted.map((d) => [d.address, d.attributes.map((a) => a.name)]),
    [
      ["aws_ssm_parameter.cidr_block", ["insecure_value", "version"]],
      ["aws_iam_role.tagged", ["tags"]],
    ],
  );
  assert.equal(summary.drift, 2);
});

test("data source reads and no-op resources are left out; read never counts as a change", () => {
  const summary = summarizePlan({
    ...base,
    resource_changes: [
      {
        address: "data.aws_caller_identity.current",
        mode: "data",
        change: { actions: ["read"], before: null, after: {}, after_unknown: { id: true } },
      },
      {
        address: "terraform_data.same",
        mode: "managed",
        change: { actions: ["no-op"], before: { input: "a" }, after: { input: "a" } },
      },
    ],
  });
  assert.deepEqual(summary.resources, []);
  assert.equal(planHasChanges(summary), false);
});

test("a sensitive value inside a list or a child module never reaches the summary", () => {
  const plan = {
    ...base,
    resource_changes: [
      {
        address: "module.db.aws_db_instance.main",
        mode: "managed",
        change: {
          actions: ["update"],
          before: { users: [{ name: "app", password: "list-secret-aaaa" }], port: 5432 },
          after: { users: [{ name: "app", password: "list-secret-bbbb" }], port: 5433 },
          after_unknown: { users: [{}] },
          before_sensitive: { users: [{ password: true }] },
          after_sensitive: { users: [{ password: true }] },
        },
      },
    ],
    planned_values: {
      root_module: {
        child_modules: [
          {
            resources: [
              {
                address: "module.db.aws_db_instance.main",
                values: { endpoint: "db.internal:5433", master: "module-secret-cccc" },
                sensitive_values: { master: true },
              },
            ],
          },
        ],
      },
    },
    output_changes: {
      // A copy of the module's secret in an output Terraform did not mark (nonsensitive()).
      debug: {
        actions: ["create"],
        before: null,
        after: "master=module-secret-cccc",
        after_unknown: false,
        before_sensitive: false,
        after_sensitive: false,
      },
    },
  };
  const summary = summarizePlan(plan);
  assert.deepEqual(summary.resources[0]?.attributes, [
    { name: "port", before: 5432, after: 5433, sensitive: false, unknown: false },
    {
      name: "users",
      before: [{ name: "app", password: "(sensitive)" }],
      after: [{ name: "app", password: "(sensitive)" }],
      sensitive: true,
      unknown: false,
    },
  ]);
  assert.equal(summary.outputs[0]?.after, "master=(sensitive)");
  const text = JSON.stringify(summary);
  for (const secret of ["list-secret-aaaa", "list-secret-bbbb", "module-secret-cccc"]) {
    assert.ok(!text.includes(secret), secret);
  }
  assert.deepEqual([...planSensitiveStrings(plan)].sort(), [
    "list-secret-aaaa",
    "list-secret-bbbb",
    "module-secret-cccc",
  ]);
});

test("an output declared sensitive is redacted even if its change masks say otherwise", () => {
  const summary = summarizePlan({
    ...base,
    configuration: { root_module: { outputs: { token: { sensitive: true } } } },
    output_changes: {
      token: {
        actions: ["update"],
        before: "old-token-value",
        after: "new-token-value",
        after_unknown: false,
        before_sensitive: false,
        after_sensitive: false,
      },
    },
  });
  assert.deepEqual(summary.outputs[0], {
    name: "token",
    action: "update",
    before: "(sensitive)",
    after: "(sensitive)",
    sensitive: true,
    unknown: false,
  });
});

test("no-op output changes do not count", () => {
  const summary = summarizePlan({
    ...base,
    output_changes: {
      same: { actions: ["no-op"], before: "a", after: "a", after_unknown: false },
    },
  });
  assert.equal(summary.outputsChanged, 0);
  assert.deepEqual(summary.outputs, []);
});

test("what is not plan JSON is refused with where it came from", () => {
  const refused = (input: unknown, message: RegExp) =>
    assert.throws(
      () => summarizePlan(input),
      (e: unknown) =>
        e instanceof CrossformError &&
        e.code === "plan/invalid-json" &&
        e.source === "external" &&
        message.test(e.message),
    );
  refused("Error: no plan", /terraform show -json printed text that is not JSON/);
  refused({ resource_changes: [] }, /the plan JSON has no format_version/);
  refused([], /the plan JSON has no format_version/);
  assert.throws(
    () => summarizeOutputs("[1"),
    /terraform output -json printed text that is not JSON/,
  );
  assert.throws(() => summarizeOutputs("[]"), /did not print an object of outputs/);
});

test("summarizeOutputs scrubs a sensitive output's value from the other outputs", () => {
  const outputs = summarizeOutputs({
    password: { sensitive: true, type: "string", value: "s3cr3t-pass-9999" },
    dsn: { sensitive: false, type: "string", value: "postgres://app:s3cr3t-pass-9999@db" },
  });
  assert.deepEqual(outputs, [
    { name: "dsn", sensitive: false, type: "string", value: "postgres://app:(sensitive)@db" },
    { name: "password", sensitive: true, type: "string", value: "(sensitive)" },
  ]);
});

test("stateSensitiveStrings: sensitive outputs and attributes of a state, in every module", () => {
  const state = JSON.stringify({
    format_version: "1.0",
    values: {
      outputs: {
        token: { sensitive: true, value: "token-value-1" },
        name: { sensitive: false, value: "public-name" },
      },
      root_module: {
        resources: [
          {
            address: "terraform_data.a",
            values: { input: { pin: "pin-value-2", label: "shown" } },
            sensitive_values: { input: { pin: true } },
          },
        ],
        child_modules: [
          {
            resources: [
              {
                address: "module.m.terraform_data.b",
                values: { output: "child-value-3" },
                sensitive_values: { output: true },
              },
            ],
          },
        ],
      },
    },
  });
  assert.deepEqual([...stateSensitiveStrings(state)].sort(), [
    "child-value-3",
    "pin-value-2",
    "token-value-1",
  ]);
  assert.deepEqual([...stateSensitiveStrings('{"format_version":"1.0"}')], []);
  assert.deepEqual([...stateSensitiveStrings("not json")], []);
});
