import assert from "node:assert/strict";
import { test } from "node:test";
import { gracePeriodSeconds, InterruptPolicy } from "../../../../src/core/run/interrupt-policy.ts";

test("Ctrl-C three times: interrupt, warn, kill, then nothing", () => {
  const policy = new InterruptPolicy();
  assert.equal(policy.interrupted, false);
  assert.deepEqual(
    ["SIGINT", "SIGINT", "SIGINT", "SIGINT"].map((s) => policy.onSignal(s as "SIGINT")),
    ["interrupt", "warn", "kill", "none"],
  );
  assert.equal(policy.interrupted, true);
  assert.equal(policy.onGraceExpired(), false, "already killed");
});

test("CI cancel: SIGINT then SIGTERM is one request; SIGTERMs never escalate", () => {
  const policy = new InterruptPolicy();
  assert.equal(policy.onSignal("SIGINT"), "interrupt");
  assert.equal(policy.onSignal("SIGTERM"), "same-request");
  assert.equal(policy.onSignal("SIGTERM"), "same-request");
  assert.equal(policy.onGraceExpired(), true);
  assert.equal(policy.onSignal("SIGINT"), "none");
});

test("a first SIGTERM, then Ctrl-C twice: the presses count from the SIGTERM's request", () => {
  const policy = new InterruptPolicy();
  assert.equal(policy.onSignal("SIGTERM"), "interrupt");
  assert.equal(policy.onSignal("SIGINT"), "warn");
  assert.equal(policy.onSignal("SIGINT"), "kill");
});

test("the grace period: written value wins, else 30 s, 6 s under CI", () => {
  assert.equal(gracePeriodSeconds(undefined, false), 30);
  assert.equal(gracePeriodSeconds(undefined, true), 6);
  assert.equal(gracePeriodSeconds(45, true), 45);
  assert.equal(gracePeriodSeconds(2, false), 2);
});

test("a terminal that goes away: SIGHUP is the request like SIGINT, and repeated it never escalates", () => {
  const policy = new InterruptPolicy();
  assert.equal(policy.onSignal("SIGHUP"), "interrupt");
  assert.equal(policy.interrupted, true);
  assert.equal(policy.onSignal("SIGHUP"), "same-request");
  assert.equal(policy.onSignal("SIGHUP"), "same-request");
  assert.equal(policy.onSignal("SIGTERM"), "same-request");
  assert.equal(policy.onGraceExpired(), true);
});
