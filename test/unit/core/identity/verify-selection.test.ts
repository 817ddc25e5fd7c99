import assert from "node:assert/strict";
import { test } from "node:test";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import {
  accountsReachedBy,
  selectVerifyTargets,
  verifySelectionForUnits,
} from "../../../../src/core/identity/verify-selection.ts";
import type { VerifySelectionRequest } from "../../../../src/core/identity/verify-selection.ts";

const read = readConfigText(
  [
    "version: 1",
    "accounts:",
    '  dev: { id: "111111111111", tier: dev, tags: { team: pay } }',
    '  staging: { id: "222222222222", tier: staging, tags: { team: pay } }',
    '  prod: { id: "333333333333", tier: prod }',
    '  shared: { id: "444444444444", tier: shared }',
    '  sandbox: { id: "555555555555", tier: dev }',
    "stacks:",
    "  network: { path: stacks/network, accounts: [dev, staging, prod] }",
    "  app: { path: stacks/app, accounts: [dev, staging, prod], references: { dns: shared } }",
    "  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }",
    "",
  ].join("\n"),
  "crossform.yaml",
);
assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics));
const { config, units } = read;

function pick(request: VerifySelectionRequest): { accounts: string[]; units: string[] } {
  const result = selectVerifyTargets(config, units, request);
  assert.ok(result.ok, result.ok ? "" : `${result.message} (${result.hint})`);
  return { accounts: result.accounts, units: result.units.map((u) => u.id) };
}

function refusal(request: VerifySelectionRequest): { message: string; hint: string } {
  const result = selectVerifyTargets(config, units, request);
  assert.equal(result.ok, false);
  return result.ok ? { message: "", hint: "" } : { message: result.message, hint: result.hint };
}

test("no selector: every account (with or without units) and every unit", () => {
  const all = pick({});
  assert.deepEqual(all.accounts, ["dev", "staging", "prod", "shared", "sandbox"]);
  assert.equal(all.units.length, units.units.length);
});

test("an account selector picks it, plus the accounts its units reach", () => {
  // dev's app unit references shared (provider alias aws.dns): a run over dev needs shared too.
  assert.deepEqual(pick({ selectors: ["dev"] }), {
    accounts: ["dev", "shared"],
    units: ["network/dev/us-east-1", "app/dev/us-east-1"],
  });
  // prod is reached by the multi-account dns unit, whose state lives in shared.
  const prod = pick({ selectors: ["prod"] });
  assert.deepEqual(prod.accounts, ["prod", "shared"]);
  assert.ok(prod.units.includes("dns/shared/us-east-1"));
});

test("an account without units can be verified on its own", () => {
  assert.deepEqual(pick({ selectors: ["tier:dev"] }).accounts, ["dev", "shared", "sandbox"]);
  assert.deepEqual(pick({ selectors: ["sandbox"] }), { accounts: ["sandbox"], units: [] });
});

test("stack: terms narrow to the accounts the stack deploys to", () => {
  assert.deepEqual(pick({ selectors: ["stack:dns"] }).accounts, ["prod", "shared"]);
  assert.deepEqual(pick({ selectors: ["stack:network,tier:dev"] }), {
    accounts: ["dev"],
    units: ["network/dev/us-east-1"],
  });
});

test("positional selectors and --target intersect; each list is OR-ed", () => {
  assert.deepEqual(pick({ selectors: ["dev", "staging"] }).accounts, ["dev", "staging", "shared"]);
  assert.deepEqual(pick({ selectors: ["tag:team=pay"], targets: ["tier:staging"] }), {
    accounts: ["staging", "shared"],
    units: ["network/staging/us-east-1", "app/staging/us-east-1"],
  });
});

test("unknown names are refused with a suggestion; an empty intersection is refused", () => {
  assert.deepEqual(refusal({ selectors: ["dve"] }), {
    message: 'no account named "dve"',
    hint: 'did you mean "dev"?',
  });
  assert.deepEqual(refusal({ selectors: ["stack:ap"] }), {
    message: 'no stack named "ap"',
    hint: 'did you mean "stack:app"?',
  });
  assert.equal(
    refusal({ selectors: ["tier:qa"] }).message,
    'selector "tier:qa" matches no account',
  );
  assert.match(refusal({ selectors: ["bad name!"] }).message, /is not an account name/);
  assert.equal(
    refusal({ selectors: ["sandbox"], targets: ["prod"] }).message,
    "the selection matches no account",
  );
});

test("a run's preflight verifies exactly the accounts its units reach", () => {
  const app = units.units.filter((u) => u.stack === "app" && u.account === "staging");
  assert.deepEqual(accountsReachedBy(config, app), ["staging", "shared"]);
  assert.deepEqual(verifySelectionForUnits(config, app), {
    accounts: ["staging", "shared"],
    units: app,
  });
});

test("unit ids select the accounts those units reach, as --target does for the run commands", () => {
  assert.deepEqual(pick({ targets: ["app/staging/us-east-1"] }), {
    accounts: ["staging", "shared"],
    units: ["app/staging/us-east-1"],
  });
  assert.deepEqual(pick({ selectors: ["network/dev/us-east-1,network/prod/us-east-1"] }).accounts, [
    "dev",
    "prod",
  ]);
  assert.deepEqual(refusal({ selectors: ["network/dve/us-east-1"] }), {
    message: 'no unit "network/dve/us-east-1"',
    hint: 'did you mean "network/dev/us-east-1"?',
  });
});
