/**
 * The plan reader on plan JSON shaped like what each Terraform generation prints with
 * `terraform show -json` (test/fixtures/plan/json/: format 0.1 of 0.12, 0.2 of 0.15 with drift and
 * sensitivity masks, 1.0 of 1.1, 1.2 of 1.5 with moved/imported, 1.2 of 1.15 with applyable and
 * complete, an errored plan), files in the encodings a shell can leave them in, and what is not a
 * plan at all.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CrossformError } from "../../../../src/core/errors.ts";
import {
  decodePlanText,
  planStatus,
  summarizePlan,
} from "../../../../src/core/plan/plan-summary.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../fixtures/plan/json/${name}`, import.meta.url), "utf8");

const counts = (name: string) => {
  const s = summarizePlan(fixture(name));
  return {
    version: s.terraformVersion,
    status: planStatus(s),
    add: s.add,
    change: s.change,
    destroy: s.destroy,
    replace: s.replace,
    moved: s.moved,
    imported: s.imported,
    forget: s.forget,
    drift: s.drift,
    outputs: s.outputsChanged,
  };
};

test("Terraform 0.12 (format 0.1): no sensitivity masks, no drift, short provider names", () => {
  assert.deepEqual(counts("terraform-0.12.json"), {
    version: "0.12.31",
    status: "changes",
    add: 1,
    change: 1,
    destroy: 0,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 0,
    outputs: 1,
  });
  const summary = summarizePlan(fixture("terraform-0.12.json"));
  assert.deepEqual(
    summary.resources.map((r) => [r.address, r.action, r.attributes.map((a) => a.name)]),
    [
      ["aws_s3_bucket.logs", "create", ["acl", "arn", "bucket", "force_destroy", "id", "tags"]],
      ["aws_sqs_queue.jobs", "update", ["visibility_timeout_seconds"]],
    ],
  );
});

test("Terraform 0.15 (format 0.2): drift and a sensitive variable, never in the summary", () => {
  assert.deepEqual(counts("terraform-0.15.json"), {
    version: "0.15.5",
    status: "changes",
    add: 0,
    change: 1,
    destroy: 0,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 1,
    outputs: 0,
  });
  assert.ok(!JSON.stringify(summarizePlan(fixture("terraform-0.15.json"))).includes("pw-0.15"));
});

test("Terraform 1.1 (format 1.0): a replace with its reason, a delete, an output unknown until apply", () => {
  const summary = summarizePlan(fixture("terraform-1.1.json"));
  assert.deepEqual(counts("terraform-1.1.json"), {
    version: "1.1.9",
    status: "changes",
    add: 0,
    change: 0,
    destroy: 1,
    replace: 1,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 0,
    outputs: 1,
  });
  assert.equal(summary.resources[0]?.reason, "replace_because_cannot_update");
  assert.deepEqual(summary.resources[0]?.replacedBy, ["name"]);
  assert.equal(summary.outputs[0]?.unknown, true);
});

test("Terraform 1.5 (format 1.2): moved and imported without other changes still count", () => {
  assert.deepEqual(counts("terraform-1.5.json"), {
    version: "1.5.7",
    status: "changes",
    add: 0,
    change: 0,
    destroy: 0,
    replace: 0,
    moved: 1,
    imported: 1,
    forget: 0,
    drift: 0,
    outputs: 0,
  });
});

test("Terraform 1.15 (format 1.2, applyable and complete): create, forget, a sensitive output", () => {
  assert.deepEqual(counts("terraform-1.15.json"), {
    version: "1.15.4",
    status: "changes",
    add: 1,
    change: 0,
    destroy: 0,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 1,
    drift: 0,
    outputs: 1,
  });
  assert.ok(!JSON.stringify(summarizePlan(fixture("terraform-1.15.json"))).includes("tok-1.15"));
});

test("a plan with errored: true is errored, whatever its counts say", () => {
  const summary = summarizePlan(fixture("terraform-1.11-errored.json"));
  assert.equal(summary.errored, true);
  assert.equal(summary.add, 1);
  assert.equal(planStatus(summary), "errored");
  assert.equal(planStatus(summarizePlan(fixture("terraform-1.5.json"))), "changes");
  assert.equal(
    planStatus(summarizePlan({ format_version: "1.2", planned_values: {}, errored: false })),
    "no-changes",
  );
});

test("UTF-16 with a byte-order mark (a PowerShell redirect) and UTF-8 with one are decoded", () => {
  const text = fixture("terraform-1.15.json");
  const expected = summarizePlan(text);
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  const utf16be = Buffer.from(utf16le);
  utf16be.swap16();
  const utf8bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
  for (const bytes of [utf16le, utf16be, utf8bom]) {
    assert.deepEqual(summarizePlan(new Uint8Array(bytes)), expected);
  }
  assert.deepEqual(summarizePlan(`\uFEFF${text}`), expected);
  assert.equal(decodePlanText(new Uint8Array(utf16le)), text);
});

test("a state file, or terraform show -json of a state, is refused, not read as no changes", () => {
  const refused = (input: unknown, message: RegExp) =>
    assert.throws(
      () => summarizePlan(input),
      (e: unknown) =>
        e instanceof CrossformError &&
        e.code === "plan/state-not-plan" &&
        e.source === "user" &&
        message.test(e.message) &&
        /terraform plan -out/.test(e.hint ?? ""),
    );
  refused(
    fixture("raw-state-v4.json"),
    /a Terraform state file \(state format version 4, serial 7\)/,
  );
  refused(fixture("state-shown-1.11.json"), /terraform show -json` for a state/);
  const utf16 = Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from(fixture("raw-state-v4.json"), "utf16le"),
  ]);
  refused(new Uint8Array(utf16), /a Terraform state file/);
});
