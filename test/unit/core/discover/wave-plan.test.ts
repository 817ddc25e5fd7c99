import assert from "node:assert/strict";
import { test } from "node:test";
import type { AccountEntry } from "../../../../src/core/discover/render-accounts.ts";
import { planWaves } from "../../../../src/core/discover/wave-plan.ts";

function entry(name: string, tier: string | undefined, ou = "Root/Sandbox"): AccountEntry {
  return { name, id: "111111111111", tier, ou, organizationName: name };
}

test("without waves every account is in the one implicit wave: no line", () => {
  const plan = planWaves([entry("a", undefined)], undefined);
  assert.deepEqual(plan, {
    hasWaves: false,
    joined: [],
    inSeveral: [],
    unplaced: [],
    line: undefined,
  });
});

test("accounts an existing wave selects by tier or tag join it; the others get one line", () => {
  const plan = planWaves(
    [
      entry("payments-prod", "prod"),
      entry("sandbox-ana", undefined),
      entry("audit", undefined, "Root/Security"),
      entry("true", undefined),
    ],
    [["tier:dev"], { name: "prod", select: ["tier:prod"] }, ["tag:ou=Root/Security"]],
  );
  assert.deepEqual(plan.joined, [
    { account: "payments-prod", wave: 2, waveName: "prod" },
    { account: "audit", wave: 3, waveName: "tag:ou=Root/Security" },
  ]);
  assert.deepEqual(plan.unplaced, ["sandbox-ana", "true"]);
  assert.equal(plan.line, '[sandbox-ana, "true"]');
});

test("an account that several waves select is reported, not placed", () => {
  const plan = planWaves([entry("x", "prod")], [["tier:prod"], ["tag:ou=Root/Sandbox"]]);
  assert.deepEqual(plan.inSeveral, [{ account: "x", waves: [1, 2] }]);
  assert.equal(plan.line, undefined);
});

test("stack-only and unreadable selectors select no new account", () => {
  const plan = planWaves([entry("x", "prod")], [["stack:app"], ["tier:"], [42], "junk"]);
  assert.deepEqual(plan.unplaced, ["x"]);
  assert.equal(plan.line, "[x]");
});
