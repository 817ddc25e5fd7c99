import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyPlanArgs,
  initArgs,
  lockFileInitArgs,
  outputJsonArgs,
  planArgs,
  showPlanJsonArgs,
  validateInitArgs,
  validateJsonArgs,
  versionArgs,
} from "../../../../src/core/run/terraform-args.ts";

const BACKEND = "/repo/stacks/network/backends/dev.s3.tfbackend";
const VARS = "/repo/stacks/network/targets/dev.tfvars.json";
const PLAN = "/repo/.crossform/runs/r1/units/network/dev/us-east-1/plan.tfplan";

test("init reconfigures from the unit's backend file with a read-only lock file, never migrating", () => {
  assert.deepEqual(initArgs({ backendConfigFile: BACKEND }), [
    "init",
    "-reconfigure",
    "-input=false",
    "-no-color",
    `-backend-config=${BACKEND}`,
    "-lockfile=readonly",
  ]);
  const withTimeout = initArgs({ backendConfigFile: BACKEND, lockTimeoutSeconds: 30 });
  assert.equal(withTimeout.at(-1), "-lock-timeout=30s");
  for (const args of [withTimeout, lockFileInitArgs()]) {
    assert.ok(!args.some((a) => a.includes("migrate")), args.join(" "));
  }
  assert.deepEqual(lockFileInitArgs(), ["init", "-backend=false", "-input=false", "-no-color"]);
});

test("plan: normal, destroy and refresh-only, saved to the run directory, detailed exit code", () => {
  assert.deepEqual(planArgs({ varFile: VARS, planFile: PLAN }), [
    "plan",
    "-input=false",
    "-no-color",
    `-var-file=${VARS}`,
    `-out=${PLAN}`,
    "-detailed-exitcode",
  ]);
  assert.deepEqual(
    planArgs({ mode: "destroy", varFile: VARS, planFile: PLAN, lockTimeoutSeconds: 0 }),
    [
      "plan",
      "-input=false",
      "-no-color",
      "-destroy",
      `-var-file=${VARS}`,
      `-out=${PLAN}`,
      "-detailed-exitcode",
      "-lock-timeout=0s",
    ],
  );
  assert.deepEqual(
    planArgs({
      mode: "refresh-only",
      varFile: VARS,
      detailedExitCode: false,
      vars: { crossform_session_name: "crossform-alice" },
    }),
    [
      "plan",
      "-input=false",
      "-no-color",
      "-refresh-only",
      `-var-file=${VARS}`,
      "-var=crossform_session_name=crossform-alice",
    ],
  );
});

test("show, apply, output and version", () => {
  assert.deepEqual(showPlanJsonArgs(PLAN), ["show", "-json", "-no-color", PLAN]);
  assert.deepEqual(applyPlanArgs({ planFile: PLAN }), ["apply", "-input=false", "-no-color", PLAN]);
  assert.deepEqual(applyPlanArgs({ planFile: PLAN, lockTimeoutSeconds: 120 }), [
    "apply",
    "-input=false",
    "-no-color",
    "-lock-timeout=120s",
    PLAN,
  ]);
  assert.deepEqual(outputJsonArgs(), ["output", "-json", "-no-color"]);
  assert.deepEqual(versionArgs(), ["version"]);
});

test("a lock timeout must be whole seconds >= 0", () => {
  assert.throws(() => initArgs({ backendConfigFile: BACKEND, lockTimeoutSeconds: -1 }), RangeError);
  assert.throws(() => planArgs({ varFile: VARS, lockTimeoutSeconds: 1.5 }), /got 1.5/);
});

test("validate: init without a backend, the stack's lock file read-only when it has one; validate -json", () => {
  assert.deepEqual(validateInitArgs({ hasLockFile: true }), [
    "init",
    "-backend=false",
    "-input=false",
    "-no-color",
    "-lockfile=readonly",
  ]);
  assert.deepEqual(validateInitArgs({ hasLockFile: false }), [
    "init",
    "-backend=false",
    "-input=false",
    "-no-color",
  ]);
  assert.deepEqual(validateJsonArgs(), ["validate", "-json", "-no-color"]);
});
